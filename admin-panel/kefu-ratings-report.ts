import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatTime } from '../client/chat-session.js';
import type { Rating, RatingCounts } from '../protocol/wire.js';
import { pickAdminStrings } from './i18n/pick-admin-strings.js';
import type { InboxConversation } from './inbox-controller.js';
import { ratingsReportStyles } from './kefu-ratings-report.styles.js';
import { RatingsReportController, WEEK_CHOICES } from './ratings-report-controller.js';
import { displayName } from './visitor-labels.js';

// The report's words, both languages, in its own chunk: the console's first
// load carries only the tool's name and the thread's rating line.
const WORDS = {
  en: {
    heading: 'Ratings',
    intro: 'What visitors said of resolved conversations, per agent (the owner when it was rated) and week. Weeks are ISO weeks in UTC, Monday to Sunday.',
    weeks: 'Weeks',
    tableLabel: 'Ratings per agent and week',
    agent: 'Agent',
    total: 'Total',
    nobody: 'Unassigned',
    good: 'Good',
    bad: 'Bad',
    none: 'No ratings in these weeks yet.',
    empty: 'no ratings',
    comments: 'Latest comments',
    noComments: 'No comments in these weeks.',
    more: 'Load more',
    loading: 'Loading…',
    failed: 'The ratings could not be loaded.',
    retry: 'Try again',
    summary: (n: number) => (n === 1 ? '1 rating' : `${n} ratings`),
  },
  'zh-CN': {
    heading: '评价',
    intro: '访客对已解决对话的评价，按客服（评价时的负责人）和周统计。周为 UTC 时间的 ISO 周，周一至周日。',
    weeks: '周数',
    tableLabel: '按客服和周的评价',
    agent: '客服',
    total: '合计',
    nobody: '未分配',
    good: '满意',
    bad: '不满意',
    none: '这几周还没有评价。',
    empty: '无评价',
    comments: '最新评论',
    noComments: '这几周没有评论。',
    more: '加载更多',
    loading: '加载中…',
    failed: '评价加载失败。',
    retry: '重试',
    summary: (n: number) => `${n} 条评价`,
  },
};

type Words = (typeof WORDS)['en'];

/** The console's agent API calls (`<kefu-admin>`'s, token renewal included). */
export type ReportCall = <T>(path: string) => Promise<T>;

/**
 * The ratings report: good and bad ratings and the share of good ones per
 * agent (the conversation's owner when it was rated) and ISO week (UTC), a
 * choice of how many weeks, and the latest comments with "Load more".
 * Content only: the shell's tools dialog holds it, and it asks the sidecar
 * itself through `call`, afresh each time it is opened.
 *
 * @csspart table - the agent × week table
 * @csspart comment - each comment
 *
 * @cssproperty --kefu-accent, --kefu-on-accent, --kefu-background, --kefu-text, --kefu-muted, --kefu-line, --kefu-surface
 */
@customElement('kefu-ratings-report')
export class KefuRatingsReport extends LitElement {
  static override styles = ratingsReportStyles;

  /** Agent API calls: `<kefu-admin>`'s `call`. */
  @property({ attribute: false }) call?: ReportCall;
  /** The inbox's conversations, to name visitors it knows; others show a short id. */
  @property({ attribute: false }) conversations?: ReadonlyMap<string, InboxConversation>;
  @property() override lang = '';

  private readonly reports = new RatingsReportController(this, (weeks, before) => {
    if (!this.call) return Promise.reject(new Error('no agent API'));
    return this.call(`/api/agent/ratings/report?weeks=${weeks}${before ? `&before=${before}` : ''}`);
  });

  /** The language pickAdminStrings picks: the `lang` attribute, else the browser's. */
  private get words(): Words {
    return (this.lang || navigator.language || 'en').toLowerCase().startsWith('zh') ? WORDS['zh-CN'] : WORDS.en;
  }

  override render(): TemplateResult {
    const w = this.words;
    const r = this.reports;
    const total = r.report?.agents.reduce((n, a) => n + a.total.good + a.total.bad, 0) ?? 0;
    return html`
      <h2>${w.heading}</h2>
      <p class="intro">${w.intro}</p>
      <label class="weeks">${w.weeks}
        <select @change=${(e: Event) => void r.load(Number((e.target as HTMLSelectElement).value))}>
          ${WEEK_CHOICES.map((n) => html`<option value=${n} ?selected=${n === r.weeks}>${n}</option>`)}
        </select>
      </label>
      <p class="sr-only" role="status">${r.loading ? w.loading : r.report ? w.summary(total) : ''}</p>
      ${r.failed
        ? html`<div class="error" role="alert"><span>${w.failed}</span>
            <button type="button" class="link-button" @click=${() => void r.retry()}>${w.retry}</button></div>`
        : nothing}
      ${r.report ? this.renderTable(w) : r.loading ? html`<p class="empty" aria-hidden="true">${w.loading}</p>` : nothing}
      ${r.report ? this.renderComments(w) : nothing}
    `;
  }

  private renderTable(w: Words): TemplateResult {
    const report = this.reports.report!;
    if (!report.agents.length) return html`<p class="empty">${w.none}</p>`;
    const day = new Intl.DateTimeFormat(this.lang || undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    return html`
      <div class="table-wrap" part="table" tabindex="0" role="region" aria-label=${w.tableLabel}>
        <table>
          <thead>
            <tr>
              <th scope="col">${w.agent}</th>
              ${report.weeks.map((wk) => html`<th scope="col" data-week=${wk.week}>${wk.week.slice(5)}<span class="date">${day.format(new Date(`${wk.start}T00:00:00Z`))}</span></th>`)}
              <th scope="col">${w.total}</th>
            </tr>
          </thead>
          <tbody>
            ${report.agents.map(
              (a) => html`<tr data-agent=${a.agent ?? ''}>
                <th scope="row">${a.agent ? a.name || a.agent : w.nobody}</th>
                ${a.weeks.map((c) => this.renderCell(c, w))}
                ${this.renderCell(a.total, w, 'total')}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  private renderCell(c: RatingCounts, w: Words, kind = ''): TemplateResult {
    if (c.shareGood === null) return html`<td class="none ${kind}"><span aria-hidden="true">–</span><span class="sr-only">${w.empty}</span></td>`;
    const pct = new Intl.NumberFormat(this.lang || undefined, { style: 'percent' }).format(c.shareGood);
    return html`<td class=${kind} data-good=${c.good} data-bad=${c.bad}>
      <span class="share">${pct}</span>
      <span class="counts"><span aria-hidden="true">👍</span><span class="sr-only">${w.good}</span> ${c.good} <span aria-hidden="true">👎</span><span class="sr-only">${w.bad}</span> ${c.bad}</span>
    </td>`;
  }

  private renderComments(w: Words): TemplateResult {
    const r = this.reports;
    const names = new Map(r.report!.agents.map((a) => [a.agent, a.name]));
    return html`
      <h3>${w.comments}</h3>
      ${r.comments.length
        ? html`<ul class="comments">
            ${repeat(r.comments, (c) => c.id, (c) => this.renderComment(c, w, c.agent ? names.get(c.agent) || c.agent : w.nobody))}
          </ul>`
        : html`<p class="empty">${w.noComments}</p>`}
      ${r.next !== null
        ? html`<button type="button" class="link-button more" ?disabled=${r.loading} @click=${() => void r.more()}>${r.loading ? w.loading : w.more}</button>`
        : nothing}
    `;
  }

  private renderComment(c: Rating, w: Words, agent: string): TemplateResult {
    const t = pickAdminStrings(this.lang);
    return html`<li part="comment" data-rating=${c.id} data-score=${c.score}>
      <span class="score"><span aria-hidden="true">${c.score === 'good' ? '👍' : '👎'}</span> ${c.score === 'good' ? w.good : w.bad}</span>
      <q>${c.comment}</q>
      <span class="by">${agent} · ${displayName(this.conversations?.get(c.visitorId), c.visitorId, t)} · ${formatTime(c.createdAt, this.lang, { withDate: true })}</span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kefu-ratings-report': KefuRatingsReport;
  }
}
