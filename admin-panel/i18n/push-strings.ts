// The push opt-in's strings, en and zh-CN in one file: they load with its
// chunk (kefu-push-settings.ts), not with the console (en.ts and zh-CN.ts),
// which has no room for text only some agents ever read.
const en = {
  heading: 'Push notifications on this device',
  intro: 'A notification on this phone or computer when a visitor starts a conversation or writes in one that is yours or nobody\'s, even with the console closed; again if nobody has answered after a few minutes.',
  state: {
    unsupported: 'This browser cannot receive push notifications. On an iPhone or iPad, add the console to the Home Screen first (Share, then Add to Home Screen) and open it from there.',
    blocked: 'Notifications are blocked for this site in the browser\'s settings. Allow them there, then come back here.',
    off: 'Off on this device.',
    on: 'On: this device gets push notifications.',
  },
  turnOn: 'Turn on',
  turnOff: 'Turn off',
  working: 'One moment…',
  failed: (why: string) => `That did not work: ${why}`,
  offline: 'the server could not be reached.',
};

const zhCN: typeof en = {
  heading: '本设备的推送通知',
  intro: '访客发起对话，或在属于您或尚未分配的对话中发来消息时，即使控制台已关闭，这部手机或电脑也会收到通知；几分钟后仍无人回复，会再提醒一次。',
  state: {
    unsupported: '此浏览器无法接收推送通知。在 iPhone 或 iPad 上，请先将控制台添加到主屏幕（分享 → 添加到主屏幕），再从主屏幕打开。',
    blocked: '浏览器设置已阻止本网站的通知。请在设置中允许后再回到这里。',
    off: '本设备未开启。',
    on: '已开启：本设备会收到推送通知。',
  },
  turnOn: '开启',
  turnOff: '关闭',
  working: '请稍候…',
  failed: (why: string) => `未能完成：${why}`,
  offline: '无法连接服务器。',
};

export type PushStrings = typeof en;

export function pushStrings(lang: string): PushStrings {
  return (lang || navigator.language || 'en').toLowerCase().startsWith('zh') ? zhCN : en;
}
