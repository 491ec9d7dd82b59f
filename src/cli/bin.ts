#!/usr/bin/env node
// The `netc` executable.
import { main } from './main.js';
import { terminalOutput } from './output.js';

const argv = process.argv.slice(2);
const color = !argv.includes('--no-color') && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
process.exitCode = await main(argv, terminalOutput(color));
