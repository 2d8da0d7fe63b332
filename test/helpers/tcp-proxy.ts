// One address in front of several sidecar processes, like an nginx upstream
// with `proxy_next_upstream error`: each new client connection goes to the
// next backend in turn; a backend that refuses the connection is skipped.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  origin: string;
  /** Connections handed to each backend port so far. */
  counts: Map<number, number>;
  /** Cuts every open connection at once (both sides see a reset), as a network fault would. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(backendPorts: readonly number[]): Promise<TcpProxy> {
  let turn = 0;
  const counts = new Map<number, number>(backendPorts.map((p) => [p, 0]));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const start = turn++;
    const attempt = (i: number) => {
      if (i >= backendPorts.length) return client.destroy();
      const port = backendPorts[(start + i) % backendPorts.length];
      const upstream = net.connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        counts.set(port, (counts.get(port) ?? 0) + 1);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (!connected) attempt(i + 1);
        else client.destroy();
      });
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => { if (connected) client.destroy(); });
    };
    attempt(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    counts,
    cutAll() {
      const n = sockets.size;
      for (const s of sockets) s.resetAndDestroy();
      return n;
    },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
