// The platform limit: the least a node:http long-poll server can do. A poll
// parks (a timer, a map entry, a close listener) until a message for its id
// arrives or 30 s pass; POST /send answers the recipient's parked poll.
import http from 'node:http';

const port = Number(process.env.PORT ?? 0);
const waiting = new Map();
const queued = new Map();

function answer(res, messages) {
  const body = JSON.stringify({ messages });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return answer(res, []);
  if (req.method === 'GET' && url.pathname === '/poll') {
    const id = url.searchParams.get('id');
    const q = queued.get(id);
    if (q) { queued.delete(id); return answer(res, q); }
    const done = (messages) => {
      clearTimeout(timer);
      if (waiting.get(id) === done) waiting.delete(id);
      if (messages) answer(res, messages);
    };
    const timer = setTimeout(() => done([]), Number(url.searchParams.get('wait') ?? 30) * 1000);
    res.once('close', () => done(null));
    waiting.set(id, done);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/send') {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      const { to, content } = JSON.parse(data);
      const message = { to, content };
      const w = waiting.get(to);
      if (w) w([message]);
      else queued.set(to, [...(queued.get(to) ?? []), message]);
      answer(res, [message]);
    });
    return;
  }
  res.writeHead(404).end();
});
server.requestTimeout = 0;
server.headersTimeout = 15_000;
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
