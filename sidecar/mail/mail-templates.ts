// Kefu's four mails, each as a subject, a plain-text part and a simple HTML
// part. A message's text is text: in HTML every character of it is escaped,
// and only links Kefu made itself (http or https) become <a> elements.
import { mailWords, type MailLang, type MailWords } from './mail-strings.js';

/** One chat message as a mail shows it. */
export interface MailLine {
  by: 'visitor' | 'team';
  /** The visitor's or the agent's name, when known. */
  name: string | null;
  text: string;
  /** Names of the files sent with it. */
  files: readonly string[];
  /** ISO time, or null when the row has none (an adopted table's old rows). */
  at: string | null;
}

/** Who wrote, for the agents' mails. */
export interface MailVisitor {
  name: string | null;
  email: string | null;
  verified: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface AgentNotice {
  site: string;
  visitor: MailVisitor;
  lines: readonly MailLine[];
  /** Earlier messages of the same wait left out (null: some, not counted). */
  omitted: number | null;
  consoleUrl: string | null;
}

/** `&<>"'` as character references: safe in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function offlineMail(lang: MailLang, p: AgentNotice): RenderedMail {
  const w = mailWords(lang);
  return agentMail(lang, w, w.offlineSubject(p.site), w.offlineIntro, p);
}

export function unansweredMail(lang: MailLang, p: AgentNotice & { waitedMinutes: number }): RenderedMail {
  const w = mailWords(lang);
  return agentMail(lang, w, w.unansweredSubject(p.site), w.unansweredIntro(p.waitedMinutes), p);
}

/** The team's replies to a visitor who has left, with the link that opens the conversation again. */
export function replyMail(lang: MailLang, p: { site: string; lines: readonly MailLine[]; omitted: number | null; link: string | null; timeZone: string | null }): RenderedMail {
  const w = mailWords(lang);
  const subject = w.replySubject(p.site);
  const after = p.link ? [{ label: w.replyLink, url: p.link }] : [{ label: w.replyNoLink, url: null }];
  return layout(lang, w, subject, [w.replyIntro], lines(w, lang, p.lines, p.omitted, 'visitor', p.timeZone), after, w.footer(p.site));
}

export function transcriptMail(lang: MailLang, p: { site: string; lines: readonly MailLine[]; omitted: number | null; timeZone: string | null }): RenderedMail {
  const w = mailWords(lang);
  const subject = w.transcriptSubject(p.site);
  return layout(lang, w, subject, [w.transcriptIntro], lines(w, lang, p.lines, p.omitted, 'visitor', p.timeZone), [], w.footer(p.site));
}

function agentMail(lang: MailLang, w: MailWords, subject: string, intro: string, p: AgentNotice): RenderedMail {
  const v = p.visitor;
  const who = [v.name, v.email ? `<${v.email}>` : null].filter(Boolean).join(' ') || w.aVisitor;
  const head = [intro, `${w.from}${who}${v.verified || (!v.name && !v.email) ? '' : w.notVerified}`];
  const after = p.consoleUrl ? [{ label: w.openConsole, url: p.consoleUrl }] : [];
  return layout(lang, w, subject, head, lines(w, lang, p.lines, p.omitted, 'agents', 'UTC'), after, w.footer(p.site));
}

interface Shown {
  who: string;
  when: string;
  text: string;
  files: readonly string[];
}

function lines(w: MailWords, lang: MailLang, list: readonly MailLine[], omitted: number | null, reader: 'agents' | 'visitor', timeZone: string | null): { shown: Shown[]; note: string | null } {
  const shown = list.map((l) => ({
    who: l.by === 'visitor' ? (reader === 'visitor' ? w.you : l.name || w.aVisitor) : l.name || w.team,
    when: formatAt(l.at, lang, timeZone),
    text: l.text,
    files: l.files,
  }));
  return { shown, note: omitted === null || omitted > 0 ? w.earlier(omitted) : null };
}

/** A time in the reader's zone (the visitor's, or UTC), its zone named so it cannot be misread. */
function formatAt(iso: string | null, lang: MailLang, timeZone: string | null): string {
  const d = new Date(iso ?? '');
  if (!iso || Number.isNaN(d.getTime())) return '';
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return `${new Intl.DateTimeFormat(lang, { ...options, timeZone: timeZone ?? 'UTC' }).format(d)} (${timeZone ?? 'UTC'})`;
  } catch {
    // A zone this server's Intl does not know (the browser's is newer): UTC, said so.
    return `${new Intl.DateTimeFormat(lang, { ...options, timeZone: 'UTC' }).format(d)} (UTC)`;
  }
}

const SAFE_LINK = /^https?:\/\/[^\s"'<>]+$/;

function layout(
  lang: MailLang,
  w: MailWords,
  subject: string,
  head: readonly string[],
  body: { shown: Shown[]; note: string | null },
  after: ReadonlyArray<{ label: string; url: string | null }>,
  footer: string,
): RenderedMail {
  const text: string[] = [...head, ''];
  if (body.note) text.push(body.note, '');
  for (const m of body.shown) {
    text.push(w.said(m.who, m.when));
    if (m.text) text.push(...m.text.split('\n').map((l) => `  ${l}`));
    for (const f of m.files) text.push(`  📎 ${f}`);
    text.push('');
  }
  for (const a of after) text.push(a.url ? `${a.label}\n${a.url}` : a.label, '');
  text.push('-- ', footer);

  const para = (s: string) => `<p style="margin:0 0 12px">${escapeHtml(s)}</p>`;
  const html: string[] = head.map(para);
  if (body.note) html.push(`<p style="margin:0 0 12px;color:#6b7280">${escapeHtml(body.note)}</p>`);
  for (const m of body.shown) {
    const files = m.files.map((f) => `<br>📎 ${escapeHtml(f)}`).join('');
    html.push(
      '<div style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #2563eb;background:#f1f5f9">' +
        `<div style="color:#6b7280;font-size:13px"><strong style="color:#1f2937">${escapeHtml(m.who)}</strong>${m.when ? ` · ${escapeHtml(m.when)}` : ''}</div>` +
        `<div>${escapeHtml(m.text).replace(/\r?\n/g, '<br>')}${files}</div></div>`,
    );
  }
  for (const a of after) {
    html.push(a.url && SAFE_LINK.test(a.url)
      ? `<p style="margin:16px 0">${escapeHtml(a.label)}<br><a href="${escapeHtml(a.url)}" style="color:#2563eb">${escapeHtml(a.url)}</a></p>`
      : para(a.label));
  }
  html.push(`<p style="margin:24px 0 0;color:#6b7280;font-size:13px">${escapeHtml(footer)}</p>`);
  const page =
    `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    '<body style="margin:0;padding:24px;background:#f8fafc;color:#1f2937;font:15px/1.5 -apple-system,\'Segoe UI\',Roboto,\'PingFang SC\',\'Microsoft YaHei\',sans-serif">' +
    `<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:24px">${html.join('')}</div></body></html>`;
  return { subject, text: text.join('\n'), html: page };
}
