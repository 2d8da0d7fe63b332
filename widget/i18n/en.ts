/**
 * The panel's strings in English; `zh-CN.ts` has the same keys. Each language
 * is its own chunk, loaded with the panel: a visitor downloads one. The
 * launcher's few words are in launcher-strings.ts.
 */
export const en = {
  title: 'Chat with us',
  greeting: 'Hi! How can we help you today?',
  closeChat: 'Close chat',
  online: 'Online',
  away: 'Away',
  /** Expected reply time, by bucket: under 1 min, 5 min, 1 h, 4 h, longer (kefu-chat-panel.ts picks one). */
  repliesIn: [
    'Usually replies in under a minute',
    'Usually replies in a few minutes',
    'Usually replies in under an hour',
    'Usually replies in a few hours',
    'Usually replies within a day',
  ] as readonly string[],
  days: ['Today', 'Yesterday'] as readonly string[],
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  conversation: 'Conversation',
  messageLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent',
  read: 'Read',
  failed: 'Not sent',
  retry: 'Retry',
  typing: (name: string) => `${name} is typing…`,
  anAgent: 'An agent',
  team: 'Support team',
  loadingOlder: 'Loading earlier messages…',
  offlineTitle: 'Leave us a message',
  offlineIntro: 'No one is online right now. We will answer here as soon as we are back.',
  offlineSubmit: 'Send message',
  offlineThanks: 'Thanks! Your message is saved and we will reply here.',
  nameLabel: 'Name (optional)',
  emailLabel: 'Email (optional)',
  newMessage: 'New message',
  tooLong: 'Messages are limited to 4,000 characters.',
  says: (name: string, text: string) => `${name}: ${text}`,
};

export type Strings = typeof en;
