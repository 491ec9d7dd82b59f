// A training thread: runs the generated Net on its share of each batch, on command.
import { parentPort, workerData } from 'node:worker_threads';
import type { NetClass } from './net.js';
import { COMMAND, SLOT, type WorkerData } from './worker-protocol.js';

const data = workerData as WorkerData;
const { Net } = (await import(data.modelUrl)) as { Net: NetClass };
const net = new Net(data.shared, data.thread);
const control = data.control;
parentPort?.postMessage('ready');

let seen = 0;
try {
  for (;;) {
    Atomics.wait(control, SLOT.posted, seen);
    seen = Atomics.load(control, SLOT.posted);
    const command = Atomics.load(control, SLOT.command);
    if (command === COMMAND.exit) break;
    const n = Atomics.load(control, SLOT.n);
    if (n > 0) {
      const ctx = { training: command === COMMAND.train, first: Atomics.load(control, SLOT.first), step: Atomics.load(control, SLOT.step), seed: Atomics.load(control, SLOT.seed) >>> 0 };
      net.forward(n, ctx);
      data.loss[0] = net.loss(n, Atomics.load(control, SLOT.total));
      if (command === COMMAND.train) net.backward(n, ctx);
    }
    Atomics.store(control, SLOT.done, seen);
    Atomics.notify(control, SLOT.done);
  }
} catch (error) {
  const message = new TextEncoder().encode(String((error as Error).stack ?? error).slice(0, 1000));
  data.failure.set(message, 1);
  data.failure[0] = 1;
  Atomics.notify(control, SLOT.done);
}
