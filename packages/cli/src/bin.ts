#!/usr/bin/env node
import { main } from './main.js';
import { exitWhenIdle } from './quick-exit.js';

process.exitCode = await main(process.argv.slice(2));
exitWhenIdle();
