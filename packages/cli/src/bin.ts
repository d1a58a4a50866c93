#!/usr/bin/env node
// `elfkit stamp` runs in every build, so it skips loading the full CLI
// (yargs alone costs about 60 ms of start-up) unless it needs help or
// error messages from it.
const argv = process.argv.slice(2);
const fast = argv[0] === 'stamp' ? await (await import('./stamp/fast.js')).stampFastPath(argv) : undefined;
process.exitCode = fast ?? (await (await import('./main.js')).main(argv));
