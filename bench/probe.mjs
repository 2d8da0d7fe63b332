// Preloaded into every server under test (`node --expose-gc --import bench/probe.mjs …`),
// never into production: on a message from the bench over the IPC channel it
// collects garbage and reports memory and CPU, so the sidecar needs no debug route.
import { setImmediate as tick } from 'node:timers/promises';

if (process.send) {
  process.on('message', async (msg) => {
    if (msg?.probe !== 'mem') return;
    if (msg.gc && globalThis.gc) {
      for (let i = 0; i < 3; i++) { globalThis.gc(); await tick(); }
    }
    process.send({ probe: 'mem', id: msg.id, ...process.memoryUsage(), cpu: process.cpuUsage() });
  });
  process.channel?.unref();
}
