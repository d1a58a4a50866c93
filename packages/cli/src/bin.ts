#!/usr/bin/env node
// `elfkit stamp` runs in every build, so it loads only its own part of the
// bundle (a separate chunk), not every command, unless it needs the full
// CLI for help or error messages.
const argv = process.argv.slice(2);
const fast = argv[0] === 'stamp' ? await (await import('./stamp/fast.js')).stampFastPath(argv) : undefined;
process.exitCode = fast ?? (await (await import('./main.js')).main(argv));
