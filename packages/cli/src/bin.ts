#!/usr/bin/env node
import { runFast } from './fast.js';

const argv = process.argv.slice(2);
// A few hot commands skip yargs and the other commands' modules (src/fast.ts).
process.exitCode = (await runFast(argv)) ?? (await (await import('./main.js')).main(argv));
