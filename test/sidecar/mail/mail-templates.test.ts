import { describe, expect, it } from 'vitest';
import { escapeHtml, offlineMail, replyMail, transcriptMail, unansweredMail, type MailLine } from '../../../sidecar/mail/mail-templates.js';
import { mailLang } from '../../../sidecar/mail/mail-strings.js';

const HOSTILE = '<script>alert("x")</script> & \'quotes\' <img src=x onerror=alert(1)>';
const line = (by: 'visitor' | 'team', text: string, extra: Partial<MailLine> = {}): MailLine => ({
  by, name: by === 'team' ? 'Ann' : 'Bo', text, files: [], at: '2026-11-25T19:40:00.000Z', ...extra,
});
const visitor = { name: 'Bo <b>', email: 'bo@example.com', verified: false };

describe('mail templates', () => {
  it('escapes every character HTML cares about', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('puts a message in the HTML part as text only, and in the text part as written', () => {
    const mail = offlineMail('en', { site: 'shop.example', visitor, lines: [line('visitor', `${HOSTILE}\nsecond line`)], omitted: 0, consoleUrl: 'https://shop.example/kefu/console' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;quotes&#39;');
    expect(mail.html).toContain('<br>second line');
    expect(mail.text).toContain(HOSTILE);
    expect(mail.text).toContain('  second line');
    expect(mail.html).toContain('<a href="https://shop.example/kefu/console"');
  });

  it('never puts a message or a name in the subject, in either language', () => {
    const p = { site: 'shop.example', visitor, lines: [line('visitor', 'my order 4711 is late')], omitted: 0, consoleUrl: null };
    const subjects = [
      offlineMail('en', p), offlineMail('zh-CN', p), unansweredMail('en', { ...p, waitedMinutes: 10 }), unansweredMail('zh-CN', { ...p, waitedMinutes: 10 }),
      replyMail('en', { site: 'shop.example', lines: [line('team', 'it ships today')], omitted: 0, link: null, timeZone: null }),
      replyMail('zh-CN', { site: 'shop.example', lines: [line('team', 'it ships today')], omitted: 0, link: null, timeZone: null }),
      transcriptMail('en', { site: 'shop.example', lines: [line('visitor', 'my order 4711 is late')], omitted: 0, timeZone: null }),
      transcriptMail('zh-CN', { site: 'shop.example', lines: [line('visitor', 'my order 4711 is late')], omitted: 0, timeZone: null }),
    ].map((m) => m.subject);
    expect(subjects).toEqual([
      'New message from a visitor on shop.example',
      '访客在 shop.example 留言',
      'A visitor on shop.example is waiting for an answer',
      'shop.example 有访客在等待回复',
      'New reply from shop.example',
      'shop.example 回复了您的消息',
      'Your conversation with shop.example',
      '您与 shop.example 的对话记录',
    ]);
    for (const s of subjects) expect(s).not.toMatch(/4711|ships|Bo/);
  });

  it('writes the agents\' notice in their language, with who wrote and whether the site vouched for them', () => {
    const en = offlineMail('en', { site: 's', visitor, lines: [line('visitor', 'hi')], omitted: 2, consoleUrl: null });
    expect(en.text).toContain('A visitor wrote while no agent was online:');
    expect(en.text).toContain('From: Bo <b> <bo@example.com> (not verified)');
    expect(en.text).toContain('(2 earlier messages not shown)');
    const zh = unansweredMail('zh-CN', { site: 's', visitor: { ...visitor, verified: true }, lines: [line('visitor', '你好')], omitted: 0, consoleUrl: null, waitedMinutes: 12 });
    expect(zh.text).toContain('一位访客已等待回复 12 分钟：');
    expect(zh.text).toContain('来自：Bo <b> <bo@example.com>\n');
    expect(zh.text).toMatch(/Bo（2026年11月25日 19:40 \(UTC\)）：\n  你好/);
    expect(zh.text).not.toContain('未验证');
    expect(zh.html).toContain('<html lang="zh-CN">');
  });

  it('shows the visitor their own lines as "you", times in their zone, file names, and the link back', () => {
    const lines = [line('visitor', 'Where is it?'), line('team', 'On its way', { name: null, files: ['label.pdf'] })];
    const link = 'https://shop.example/orders?id=1#kefu-resume=a.b.c';
    const en = replyMail('en', { site: 's', lines, omitted: 0, link, timeZone: 'Asia/Shanghai' });
    expect(en.text).toContain('You (');
    expect(en.text).toContain('Team (');
    expect(en.text).toContain('  📎 label.pdf');
    expect(en.text).toContain('(Asia/Shanghai)');
    // 19:40 UTC is 03:40 the next day in Shanghai.
    expect(en.text).toMatch(/Nov 26, 2026.*3:40/);
    expect(en.text).toContain(`Continue the conversation:\n${link}`);
    expect(en.html).toContain(`<a href="${link}"`);
    const zh = transcriptMail('zh-CN', { site: 's', lines, omitted: null, timeZone: null });
    expect(zh.text).toContain('您（');
    expect(zh.text).toContain('客服（');
    expect(zh.text).toContain('（更早的消息未显示）');
    expect(zh.text).toContain('(UTC)');
  });

  it('makes a link an element only when it is plain http or https', () => {
    const mail = replyMail('en', { site: 's', lines: [line('team', 'x')], omitted: 0, link: 'javascript:alert(1)', timeZone: null });
    expect(mail.html).not.toContain('<a ');
    expect(replyMail('en', { site: 's', lines: [line('team', 'x')], omitted: 0, link: null, timeZone: null }).text).toContain('Open the chat on the site');
  });

  it('maps languages: any Chinese to zh-CN, anything else to English, junk to none', () => {
    expect(['zh', 'zh-CN', 'zh-Hans-CN', 'ZH-tw', 'en', 'en-GB', 'fr'].map(mailLang)).toEqual(['zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'en', 'en', 'en']);
    expect([undefined, '', '123', 'x'.repeat(40), 'en;drop'].map(mailLang)).toEqual([null, null, null, null, null]);
  });
});
