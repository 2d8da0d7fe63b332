// The seed's design, reproduced for comparison: every held connection runs
// its own loop, once a second, as the original PHP did:
//   SELECT … FROM msg WHERE rec = ? AND isread = 0 LIMIT 1; then UPDATE … SET isread = 1
// answering when a row turns up, else after 25 s. PHP would hold one MySQL
// connection per request; here the loops share a pool (max_connections is
// far below 1,000), which only flatters the seed. Messages are rows inserted
// straight into `msg`, as its send script did.
import http from 'node:http';
import mysql from 'mysql2/promise';

const port = Number(process.env.PORT ?? 0);
const db = mysql.createPool({ uri: process.env.SEED_DATABASE_URL, connectionLimit: 40 });
const WAIT_S = 25;

await db.query(`CREATE TABLE IF NOT EXISTS msg (
  mid INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  pos VARCHAR(64) NOT NULL, rec VARCHAR(64) NOT NULL,
  isread TINYINT(1) NOT NULL DEFAULT 0, content TEXT NOT NULL,
  KEY rec_unread (rec, isread)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);

function answer(res, messages) {
  const body = JSON.stringify({ messages });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return answer(res, []);
  if (url.pathname !== '/poll') return res.writeHead(404).end();
  const rec = url.searchParams.get('id');
  let gone = false;
  res.once('close', () => { gone = true; });
  for (let i = 0; i < WAIT_S && !gone; i++) {
    try {
      const [rows] = await db.query('SELECT mid, pos, rec, content FROM msg WHERE rec = ? AND isread = 0 LIMIT 1', [rec]);
      if (rows.length) {
        await db.query('UPDATE msg SET isread = 1 WHERE mid = ?', [rows[0].mid]);
        return answer(res, rows);
      }
    } catch {
      if (!gone) { res.writeHead(503).end(); }
      return;
    }
    await sleep(1000);
  }
  if (!gone) answer(res, []);
});
server.requestTimeout = 0;
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
