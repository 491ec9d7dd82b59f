// A training thread: works through its regions of each batch (see parallel.ts), on command.
import { parentPort, workerData } from 'node:worker_threads';
import type { NetClass } from './net.js';
import { COMMAND, runRegions, SLOT, spinWhile, type WorkerData } from './worker-protocol.js';

const data = workerData as WorkerData;
const { Net } = (await import(data.modelUrl)) as { Net: NetClass };
const nets = data.regions.map((r) => ({ r, net: new Net(data.shared, r) }));
const control = data.control;
parentPort?.postMessage('ready');

let seen = 0;
try {
  for (;;) {
    spinWhile(control, SLOT.posted, seen);
    Atomics.wait(control, SLOT.posted, seen);
    seen = Atomics.load(control, SLOT.posted);
    const command = Atomics.load(control, SLOT.command);
    if (command === COMMAND.exit) break;
    const total = Atomics.load(control, SLOT.total);
    const step = Atomics.load(control, SLOT.step);
    const seed = Atomics.load(control, SLOT.seed) >>> 0;
    data.loss[0] = runRegions(nets, data.shares, command, total, step, seed);
    Atomics.store(control, SLOT.done, seen);
    Atomics.notify(control, SLOT.done);
  }
} catch (error) {
  const message = new TextEncoder().encode(String((error as Error).stack ?? error).slice(0, 1000));
  data.failure.set(message, 1);
  data.failure[0] = 1;
  Atomics.notify(control, SLOT.done);
}
