// Every word of Kefu's mails, in English and Simplified Chinese. Subjects name
// the site and never carry a message's text: a subject shows in notification
// banners, on lock screens and in every mail list the mail passes through.

export type MailLang = 'en' | 'zh-CN';

/** A language as sent or stored (`zh`, `zh-Hans-CN`, `en-GB`…): Chinese is zh-CN, anything else English. */
export function mailLang(value: unknown): MailLang | null {
  if (typeof value !== 'string' || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(value)) return null;
  return value.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface MailWords {
  offlineSubject(site: string): string;
  offlineIntro: string;
  unansweredSubject(site: string): string;
  unansweredIntro(minutes: number): string;
  replySubject(site: string): string;
  replyIntro: string;
  replyLink: string;
  replyNoLink: string;
  transcriptSubject(site: string): string;
  transcriptIntro: string;
  /** Before the visitor's name and address, its punctuation included. */
  from: string;
  notVerified: string;
  /** A message's heading in the text part. */
  said(who: string, when: string): string;
  aVisitor: string;
  you: string;
  team: string;
  files: string;
  /** Earlier messages left out: how many, or null when not counted. */
  earlier(n: number | null): string;
  openConsole: string;
  footer(site: string): string;
}

const en: MailWords = {
  offlineSubject: (site) => `New message from a visitor on ${site}`,
  offlineIntro: 'A visitor wrote while no agent was online:',
  unansweredSubject: (site) => `A visitor on ${site} is waiting for an answer`,
  unansweredIntro: (minutes) => `A visitor has waited ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} for an answer:`,
  replySubject: (site) => `New reply from ${site}`,
  replyIntro: 'You have a reply to your message:',
  replyLink: 'Continue the conversation:',
  replyNoLink: 'Open the chat on the site to continue the conversation.',
  transcriptSubject: (site) => `Your conversation with ${site}`,
  transcriptIntro: 'Here is your conversation, as you asked:',
  from: 'From: ',
  notVerified: ' (not verified)',
  said: (who, when) => (when ? `${who} (${when}):` : `${who}:`),
  aVisitor: 'Visitor',
  you: 'You',
  team: 'Team',
  files: 'Files',
  earlier: (n) => (n === null ? '(earlier messages not shown)' : `(${n} earlier ${n === 1 ? 'message' : 'messages'} not shown)`),
  openConsole: 'Answer in the console:',
  footer: (site) => `Sent by the chat on ${site}.`,
};

const zhCN: MailWords = {
  offlineSubject: (site) => `访客在 ${site} 留言`,
  offlineIntro: '一位访客在没有客服在线时留言：',
  unansweredSubject: (site) => `${site} 有访客在等待回复`,
  unansweredIntro: (minutes) => `一位访客已等待回复 ${minutes} 分钟：`,
  replySubject: (site) => `${site} 回复了您的消息`,
  replyIntro: '您的消息有了新的回复：',
  replyLink: '继续对话：',
  replyNoLink: '请在网站上打开对话窗口继续对话。',
  transcriptSubject: (site) => `您与 ${site} 的对话记录`,
  transcriptIntro: '以下是您要求的对话记录：',
  from: '来自：',
  notVerified: '（未验证）',
  said: (who, when) => (when ? `${who}（${when}）：` : `${who}：`),
  aVisitor: '访客',
  you: '您',
  team: '客服',
  files: '文件',
  earlier: (n) => (n === null ? '（更早的消息未显示）' : `（之前的 ${n} 条消息未显示）`),
  openConsole: '在客服控制台回复：',
  footer: (site) => `此邮件由 ${site} 的在线客服发送。`,
};

export function mailWords(lang: MailLang): MailWords {
  return lang === 'zh-CN' ? zhCN : en;
}
