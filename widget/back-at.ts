import type { Locale } from './i18n/pick-strings.js';

// "We're back Monday at 09:00 AM" on the leave-a-message form outside business
// hours, in both languages. It loads with <kefu-back-at> (kefu-back-at.ts), a
// chunk of its own, only then: the panel everyone loads stays within budget.

const WORDS = {
  en: { today: 'today', tomorrow: 'tomorrow', back: (when: string, time: string) => `We're back ${when} at ${time}.` },
  'zh-CN': { today: '今天', tomorrow: '明天', back: (when: string, time: string) => `我们将于${when} ${time} 回来。` },
};

const DAY_MS = 86_400_000;

/** The start of `d`'s local day, in ms (a summer-time change makes a day 23 or 25 hours: callers round). */
const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/**
 * When the team is back (`opensAt` of the team answer), in the visitor's
 * language and time zone: today, tomorrow, a weekday within the week, else a
 * weekday and date. Empty once that time has passed (the next answer knows more).
 */
export function backAt(iso: string, locale: Locale, now = new Date()): string {
  const at = new Date(iso);
  if (!(at.getTime() > now.getTime())) return '';
  const w = WORDS[locale];
  const days = Math.round((midnight(at) - midnight(now)) / DAY_MS);
  const when = days === 0 ? w.today : days === 1 ? w.tomorrow
    : at.toLocaleDateString(locale, days < 7 ? { weekday: 'long' } : { weekday: 'long', month: 'short', day: 'numeric' });
  // The same clock as the messages' times (client/chat-session.ts, formatTime).
  return w.back(when, at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }));
}
