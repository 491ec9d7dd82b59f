#!/usr/bin/env node
// The `netc` executable.
import { main } from './main.js';
import { terminalOutput } from './output.js';

// A reader that stops early (`netc summary … | head`) is not an error: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const argv = process.argv.slice(2);
const color = !argv.includes('--no-color') && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
process.exitCode = await main(argv, terminalOutput(color));
