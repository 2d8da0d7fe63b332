// Preloaded into every server under test (`node --expose-gc --import bench/probe.mjs …`),
// never into production: on a message from the bench over the IPC channel it
// collects garbage and reports memory and CPU, so the sidecar needs no debug route.
import { setImmediate as tick } from 'node:timers/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';

// How long the event loop was blocked: separates "busy running JavaScript" from "waiting for the database".
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

if (process.send) {
  process.on('message', async (msg) => {
    if (msg?.probe === 'snapshot') {
      const { writeHeapSnapshot } = await import('node:v8');
      process.send({ probe: 'snapshot', id: msg.id, file: writeHeapSnapshot(msg.file) });
      return;
    }
    if (msg?.probe === 'loop') {
      process.send({ probe: 'loop', id: msg.id, p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
      loop.reset();
      return;
    }
    if (msg?.probe !== 'mem') return;
    if (msg.gc && globalThis.gc) {
      for (let i = 0; i < 3; i++) { globalThis.gc(); await tick(); }
    }
    process.send({ probe: 'mem', id: msg.id, ...process.memoryUsage(), cpu: process.cpuUsage() });
  });
  process.channel?.unref();
}
