// Files in conversations against a real sidecar on the real MariaDB: messages
// that carry them (and what PHP reads in `msg`), who may read a file, signed
// links, and files going with an erased conversation.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type mysql from 'mysql2/promise';
import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { startSidecar, TEST_SECRET, type TestSidecar } from '../helpers/sidecar.js';
import { call, newVisitor, poll, type VisitorSession } from '../helpers/api.js';
import { connectTestDb } from '../helpers/mysql.js';
import { jpegWithGps, pdf, raw } from '../helpers/files.js';

describe('attachments in conversations', () => {
  let s: TestSidecar;
  let db: mysql.Connection;
  let agent: string;

  const upload = async (v: VisitorSession, bytes: Buffer, name: string) => {
    const r = await raw(`${s.url}/api/visitor/attachments?${new URLSearchParams({ name })}`, { token: v.token, body: bytes });
    expect(r.status).toBe(201);
    return r.body.attachment;
  };
  const agentUpload = async (visitorId: string, bytes: Buffer, name: string) => {
    const r = await raw(`${s.url}/api/agent/conversations/${visitorId}/attachments?${new URLSearchParams({ name })}`, { token: agent, body: bytes });
    expect(r.status).toBe(201);
    return r.body.attachment;
  };
  const sendWith = (v: VisitorSession, body: Record<string, unknown>) => call(s.url, '/api/visitor/messages', { token: v.token, body });
  const file = (id: string, token?: string) => raw(`${s.url}/api/attachments/${id}`, { token });
  const rows = async () => Number(((await db.query(`SELECT COUNT(*) AS n FROM \`${s.prefix}kefu_msg\``)) as any)[0][0].n);

  beforeAll(async () => {
    s = await startSidecar({ store: 'mysql' });
    db = await connectTestDb();
    agent = await s.agentToken(5, 'Eve');
  });
  afterAll(async () => {
    await db?.end();
    await s?.stop();
  });

  it('delivers a message with files to the agents with its attachments, and leaves a row PHP can read', async () => {
    const start = (await poll(s.url, 'agent', agent, null, 0)).body.cursor;
    const v = await newVisitor(s.url);
    const doc = await upload(v, pdf(5000), 'invoice.pdf');
    const photo = await upload(v, await jpegWithGps(), 'photo.jpg');
    const sent = await sendWith(v, { content: 'here you go', attachments: [doc.id, photo.id], clientId: 'with-files-1' });
    expect(sent.status).toBe(201);
    const message = sent.body.message;
    expect(message.content).toBe('here you go');
    expect(message.attachments).toEqual([{ ...doc, mid: message.mid }, { ...photo, mid: message.mid }]);

    let cursor = start;
    const seen = await vi.waitFor(async () => {
      const r = await poll(s.url, 'agent', agent, cursor, 5);
      cursor = r.body.cursor;
      const m = r.body.messages.find((x: { mid: number }) => x.mid === message.mid);
      if (!m) throw new Error('not yet');
      return m;
    }, { timeout: 15_000 });
    expect(seen).toMatchObject({ from: v.visitorId, to: 'admin', content: 'here you go', attachments: message.attachments });

    // What the host's PHP reads: the text, then one line per file.
    const [[row]] = (await db.query(`SELECT pos, rec, content FROM \`${s.prefix}kefu_msg\` WHERE mid = ?`, [message.mid])) as any;
    expect(row).toMatchObject({ pos: v.visitorId, rec: 'admin' });
    expect(row.content).toBe(
      `here you go\n\n📎 invoice.pdf (${Math.round(doc.size / 1024)} KB): /kefu/api/attachments/${doc.id}\n` +
      `📎 photo.jpg (${photo.size} B): /kefu/api/attachments/${photo.id}`,
    );
    const [links] = (await db.query(`SELECT id, mid, position FROM \`${s.prefix}kefu_attachment\` WHERE mid = ? ORDER BY position`, [message.mid])) as any;
    expect(links.map((l: { id: string }) => l.id)).toEqual([doc.id, photo.id]);

    // The history, a retried send, and the agent's download.
    const history = await call(s.url, `/api/agent/conversations/${v.visitorId}/messages`, { token: agent });
    expect(history.body.messages.at(-1)).toMatchObject({ mid: message.mid, content: 'here you go', attachments: message.attachments });
    const again = await sendWith(v, { content: 'here you go', attachments: [doc.id, photo.id], clientId: 'with-files-1' });
    expect(again.status).toBe(200);
    expect(again.body.message).toEqual(message);
    const d = await file(doc.id, agent);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(pdf(5000))).toBe(true);
    // Agents find the message by a file's name.
    await vi.waitFor(async () => {
      const hits = (await call(s.url, '/api/agent/search?q=invoice.pdf', { token: agent })).body.hits;
      if (!hits.some((h: { mid: number }) => h.mid === message.mid)) throw new Error('not indexed yet');
    }, { timeout: 10_000 });
  });

  it('sends files with no text', async () => {
    const v = await newVisitor(s.url);
    const doc = await upload(v, pdf(), 'alone.pdf');
    const r = await sendWith(v, { attachments: [doc.id] });
    expect(r.status).toBe(201);
    expect(r.body.message).toMatchObject({ content: '', attachments: [{ id: doc.id, mid: r.body.message.mid }] });
    expect((await sendWith(v, { content: '  ', attachments: [] })).status).toBe(400);
  });

  it('sends a file once, and only the uploader\'s own to its own conversation; writes nothing otherwise', async () => {
    const a = await newVisitor(s.url);
    const b = await newVisitor(s.url);
    const doc = await upload(a, pdf(), 'once.pdf');
    expect((await sendWith(a, { content: 'first', attachments: [doc.id] })).status).toBe(201);
    const before = await rows();
    const twice = await sendWith(a, { content: 'again', attachments: [doc.id] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toBe('an attachment was already sent with another message');
    const other = await upload(a, pdf(), 'mine.pdf');
    const stolen = await sendWith(b, { content: 'look', attachments: [other.id] });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.message).toBe(`attachment ${other.id} is not a file you uploaded to this conversation`);
    expect((await sendWith(a, { content: 'x', attachments: ['../../etc/passwd'] })).status).toBe(400);
    expect((await sendWith(a, { content: 'x', attachments: [other.id, other.id] })).status).toBe(400);
    const six = await sendWith(a, { content: 'x', attachments: Array.from({ length: 6 }, (_, i) => `a_${String(i).repeat(22)}`) });
    expect(six.body.error.message).toBe('a message may carry at most 5 files');
    expect(await rows()).toBe(before);
  });

  it('keeps each visitor to their own files: another visitor\'s is 404, by download and by link', async () => {
    const a = await newVisitor(s.url);
    const b = await newVisitor(s.url);
    const doc = await upload(a, pdf(), 'private.pdf');
    expect((await file(doc.id, a.token)).status).toBe(200);
    expect((await file(doc.id, b.token)).status).toBe(404);
    expect((await raw(`${s.url}/api/attachments/${doc.id}/link`, { token: b.token })).status).toBe(404);
    expect((await file(doc.id)).status).toBe(401);
    expect((await file(doc.id, agent)).status).toBe(200);
    await sendWith(a, { content: 'sent', attachments: [doc.id] });
    expect((await file(doc.id, b.token)).status).toBe(404);
    // An agent's upload is the visitor's to read once it is sent to them, not before.
    const reply = await agentUpload(a.visitorId, pdf(100), 'quote.pdf');
    expect((await file(reply.id, a.token)).status).toBe(404);
    const r = await call(s.url, `/api/agent/conversations/${a.visitorId}/messages`, { token: agent, body: { content: 'our quote', attachments: [reply.id] } });
    expect(r.status).toBe(201);
    expect(r.body.message).toMatchObject({ from: 'agent:5', to: a.visitorId, content: 'our quote', attachments: [{ id: reply.id, name: 'quote.pdf' }] });
    expect((await file(reply.id, a.token)).status).toBe(200);
    expect((await file(reply.id, b.token)).status).toBe(404);
    // The visitor's poll carries it too.
    const seen = await vi.waitFor(async () => {
      const m = (await poll(s.url, 'visitor', a.token, a.cursor, 5)).body.messages.find((x: { mid: number }) => x.mid === r.body.message.mid);
      if (!m) throw new Error('not yet');
      return m;
    }, { timeout: 15_000 });
    expect(seen.attachments).toEqual(r.body.message.attachments);
  });

  it('opens a file by signed link with no header, and refuses an expired, forged or misused link', async () => {
    const v = await newVisitor(s.url);
    const photo = await upload(v, await jpegWithGps(), 'p.jpg');
    const doc = await upload(v, pdf(), 'd.pdf');
    const link = await raw(`${s.url}/api/attachments/${photo.id}/link`, { token: v.token });
    expect(link.status).toBe(200);
    expect(link.body.expiresIn).toBe(300);
    expect(link.body.url).toMatch(new RegExp(`^/kefu/api/attachments/${photo.id}\\?sig=`));
    const opened = await raw(s.origin + link.body.url);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('image/jpeg');
    expect(opened.headers.get('cache-control')).toBe('private, max-age=300');
    expect(opened.bytes.length).toBe(photo.size);

    const sig = new URL(s.origin + link.body.url).searchParams.get('sig')!;
    const other = await raw(`${s.url}/api/attachments/${doc.id}?sig=${sig}`);
    expect(other.status).toBe(403);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ typ: 'file' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(photo.id)
      .setIssuedAt(now - 600).setExpirationTime(now - 300).sign(createSecretKey(Buffer.from(TEST_SECRET)));
    const late = await raw(`${s.url}/api/attachments/${photo.id}?sig=${expired}`);
    expect(late.status).toBe(401);
    expect(late.body.error.message).toBe('link expired');
    const forged = await new SignJWT({ typ: 'file' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(photo.id)
      .setIssuedAt(now).setExpirationTime(now + 300).sign(createSecretKey(Buffer.from('another-secret-0123456789abcdef')));
    expect((await raw(`${s.url}/api/attachments/${photo.id}?sig=${forged}`)).status).toBe(401);
    // A link is not a bearer token.
    expect((await call(s.url, '/api/visitor/messages', { token: sig, body: { content: 'hi' } })).status).toBe(401);
  });

  it('removes a conversation\'s files once the CMS erases the conversation', async () => {
    const v = await newVisitor(s.url);
    const sent = await upload(v, pdf(300 * 1024), 'erase-me.pdf');
    const unsent = await upload(v, pdf(), 'draft.pdf');
    await sendWith(v, { content: 'to be erased', attachments: [sent.id] });
    const chunks = async () => Number(((await db.query(
      `SELECT COUNT(*) AS n FROM \`${s.prefix}kefu_attachment_chunk\` WHERE blob_key IN (?, ?)`, [sent.id, unsent.id])) as any)[0][0].n);
    expect(await chunks()).toBe(3);
    // What the plugin's eraser and retention do (Kefu_Store::delete_messages_of, delete_visitors).
    await db.query(`DELETE FROM \`${s.prefix}kefu_msg\` WHERE pos = ? OR rec = ?`, [v.visitorId, v.visitorId]);
    await db.query(`DELETE FROM \`${s.prefix}kefu_visitor\` WHERE id = ?`, [v.visitorId]);
    expect(await s.rt.attachments.sweep()).toBeGreaterThanOrEqual(2);
    expect(await chunks()).toBe(0);
    const [left] = (await db.query(`SELECT id FROM \`${s.prefix}kefu_attachment\` WHERE visitor_id = ?`, [v.visitorId])) as any;
    expect(left).toEqual([]);
    expect((await file(sent.id, agent)).status).toBe(404);
  });
});
