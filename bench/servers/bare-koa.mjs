// The same long-poll server as bare-node.mjs, on Koa: what the framework adds per held poll.
import Koa from 'koa';

const port = Number(process.env.PORT ?? 0);
const waiting = new Map();
const queued = new Map();
const app = new Koa();

function readJson(req) {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { data += d; });
    req.on('end', () => resolve(JSON.parse(data)));
  });
}

app.use(async (ctx) => {
  if (ctx.path === '/health') { ctx.body = { messages: [] }; return; }
  if (ctx.method === 'GET' && ctx.path === '/poll') {
    const id = ctx.query.id;
    const q = queued.get(id);
    if (q) { queued.delete(id); ctx.body = { messages: q }; return; }
    const messages = await new Promise((resolve) => {
      const done = (m) => {
        clearTimeout(timer);
        if (waiting.get(id) === done) waiting.delete(id);
        resolve(m);
      };
      const timer = setTimeout(() => done([]), Number(ctx.query.wait ?? 30) * 1000);
      ctx.res.once('close', () => done(null));
      waiting.set(id, done);
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: messages ?? [] };
    return;
  }
  if (ctx.method === 'POST' && ctx.path === '/send') {
    const { to, content } = await readJson(ctx.req);
    const message = { to, content };
    const w = waiting.get(to);
    if (w) w([message]);
    else queued.set(to, [...(queued.get(to) ?? []), message]);
    ctx.body = { messages: [message] };
    return;
  }
  ctx.status = 404;
});

const server = app.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
server.requestTimeout = 0;
server.headersTimeout = 15_000;
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => process.exit(0));
