import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ApiError } from '../client/api-error.js';
import { joinUrl, requestJson } from '../client/request-json.js';
import type { RatingScore } from '../protocol/wire.js';
import type { ChatController } from './chat-controller.js';
import { pickLocale } from './i18n/pick-strings.js';
import { ratingStyles } from './rating-card.styles.js';

// The rating card at the end of a resolved conversation's thread, a chunk of
// its own (docs/ui.md, "Bundle sizes"): the panel imports it the first time
// the team resolves a conversation (the `status` event, or a session that
// says `askRating`), with its own words and styles: the panel only leaves
// it a place after the last message, and every byte is counted there.
// The end of a conversation is also where a visitor may ask for its
// transcript by mail (docs/email.md): a link under the card and under the
// thanks, gone for good once the site answers that it sends no mail.

const WORDS = {
  en: {
    question: 'How was this conversation?',
    good: 'Good',
    bad: 'Bad',
    comment: 'Anything to add? (optional)',
    send: 'Send',
    sending: 'Sending…',
    thanks: 'Thanks for your feedback!',
    failed: 'Your rating was not sent. Please try again.',
    transcript: 'Email me this conversation',
    email: 'Your email',
    sendTranscript: 'Send the transcript',
    transcriptSent: 'On its way to your inbox.',
    transcriptFailed: 'The transcript was not sent. Please try again later.',
  },
  'zh-CN': {
    question: '这次对话体验如何？',
    good: '满意',
    bad: '不满意',
    comment: '还有什么想说的吗？（选填）',
    send: '发送',
    sending: '正在发送…',
    thanks: '感谢您的反馈！',
    failed: '评价未能发送，请重试。',
    transcript: '通过邮件发送本次对话记录',
    email: '您的邮箱',
    sendTranscript: '发送对话记录',
    transcriptSent: '对话记录已发往您的邮箱。',
    transcriptFailed: '对话记录未能发送，请稍后重试。',
  },
};

const EMOJI: Record<RatingScore, string> = { good: '👍', bad: '👎' };
/** As the sidecar allows (docs/PROTOCOL.md, "Ratings"). */
const MAX_COMMENT = 1000;

/** The panel, as this chunk uses it. */
export interface RatingHost extends ReactiveControllerHost {
  lang: string;
  renderRoot: HTMLElement | DocumentFragment;
}

/**
 * A Lit ReactiveController of the panel: the card's steps (pick 👍 or 👎,
 * then an optional comment and Send, then thanks) and the one request that
 * sends the rating, aborted when the panel leaves the page. The card shows
 * while the controller's `askRating` holds; the thanks stay until the visitor
 * writes again (which opens the conversation again on the server).
 */
export class RatingCard implements ReactiveController {
  private score?: RatingScore;
  private sending = false;
  private failed = false;
  /**
   * The visitor wrote while asked: the server opens the conversation again
   * and says so a moment later; the card stays away meanwhile.
   */
  private wrote = false;
  /** The visitor's newest message when the rating went: the thanks end with a newer one. */
  private thankedAt?: number;
  private request?: AbortController;
  private probe?: AbortController;
  /** The transcript link's step; `off` until the site says it sends mail, and for good when it says it does not (404). */
  private transcript: 'link' | 'form' | 'sending' | 'sent' | 'failed' | 'off' = 'off';

  constructor(
    private readonly host: RatingHost,
    private readonly chat: ChatController,
  ) {
    host.addController(this);
    // Joins the panel's adopted sheets (never a <style>: strict CSPs block those).
    const root = host.renderRoot as ShadowRoot;
    if (root.adoptedStyleSheets && ratingStyles.styleSheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ratingStyles.styleSheet];
    host.requestUpdate();
  }

  hostConnected(): void {
    // Offered only where the site sends mail; an answer that never comes leaves the link out.
    const c = this.chat;
    this.probe = new AbortController();
    requestJson(joinUrl(c.api.base, '/kefu/api/visitor/transcript'), { token: c.api.token, signal: this.probe.signal }).then(
      () => {
        if (this.transcript === 'off') this.transcript = 'link';
        this.host.requestUpdate();
      },
      () => undefined,
    );
  }

  hostDisconnected(): void {
    this.request?.abort();
    this.probe?.abort();
  }

  private get words() {
    return WORDS[pickLocale(this.host.lang)];
  }

  private get newestOwn(): number {
    let mid = 0;
    for (const m of this.chat.messages) if (this.chat.isOwn(m)) mid = m.mid;
    return mid;
  }

  /**
   * The card, the thanks, or nothing. Writing again ends either at once (a
   * message on its way; for the thanks also a newer one from another tab):
   * the server opens the conversation again and says so a moment later.
   */
  render(): TemplateResult | typeof nothing {
    const c = this.chat;
    const newest = this.newestOwn;
    // A new resolution asks again.
    if (this.thankedAt !== undefined && (c.askRating || c.pending.length || newest > this.thankedAt)) this.thankedAt = undefined;
    const w = this.words;
    if (this.thankedAt !== undefined) {
      return html`<div class="rating" part="rating"><p class="rating-thanks" role="status">${w.thanks}</p>${this.renderTranscript()}</div>`;
    }
    this.wrote = !!c.askRating && (this.wrote || c.pending.length > 0);
    if (!c.askRating || this.wrote) {
      this.score = undefined;
      return nothing;
    }
    return html`
      <div class="rating" part="rating" role="group" aria-labelledby="rating-question">
        <p class="rating-question" id="rating-question">${w.question}</p>
        <div class="rating-scores">
          ${(['good', 'bad'] as const).map(
            (s) => html`<button type="button" class="rating-score" data-score=${s} aria-pressed=${String(this.score === s)} ?disabled=${this.sending} @click=${() => this.pick(s)}>
              <span aria-hidden="true">${EMOJI[s]}</span> ${w[s]}
            </button>`,
          )}
        </div>
        ${this.score
          ? html`<form class="rating-comment" @submit=${this.handleSubmit}>
              <label>${w.comment}<textarea name="comment" rows="2" maxlength=${MAX_COMMENT} ?disabled=${this.sending}></textarea></label>
              ${this.failed ? html`<p class="rating-failed" role="alert">${w.failed}</p>` : nothing}
              <button class="primary" type="submit" ?disabled=${this.sending}>${this.sending ? w.sending : w.send}</button>
            </form>`
          : nothing}
        ${this.renderTranscript()}
      </div>
    `;
  }

  private renderTranscript(): TemplateResult | typeof nothing {
    const w = this.words;
    const step = this.transcript;
    if (step === 'off') return nothing;
    if (step === 'sent') return html`<p class="rating-thanks" role="status">${w.transcriptSent}</p>`;
    if (step === 'link') {
      return html`<button type="button" class="rating-transcript" @click=${this.openTranscript}>${w.transcript}</button>`;
    }
    return html`<form class="rating-comment" @submit=${this.handleTranscript}>
      <label>${w.email}<input type="email" name="email" required maxlength="254" autocomplete="email" .value=${this.chat.email ?? ''} ?disabled=${step === 'sending'} /></label>
      ${step === 'failed' ? html`<p class="rating-failed" role="alert">${w.transcriptFailed}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${step === 'sending'}>${step === 'sending' ? w.sending : w.sendTranscript}</button>
    </form>`;
  }

  private readonly openTranscript = async (): Promise<void> => {
    this.transcript = 'form';
    this.host.requestUpdate();
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLInputElement>('.rating input[name=email]')?.focus({ preventScroll: true });
  };

  private readonly handleTranscript = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    if (this.transcript === 'sending') return;
    const email = String(new FormData(e.target as HTMLFormElement).get('email') ?? '').trim();
    const c = this.chat;
    this.transcript = 'sending';
    this.host.requestUpdate();
    this.request = new AbortController();
    try {
      await requestJson(joinUrl(c.api.base, '/kefu/api/visitor/transcript'), { method: 'POST', token: c.api.token, body: { email }, signal: this.request.signal });
      this.transcript = 'sent';
    } catch (err) {
      // 404: this site sends no mail; the link goes rather than fail each time.
      this.transcript = err instanceof ApiError && err.status === 404 ? 'off' : this.request.signal.aborted ? 'form' : 'failed';
    } finally {
      this.host.requestUpdate();
    }
  };

  private async pick(score: RatingScore): Promise<void> {
    const first = !this.score;
    this.score = score;
    this.host.requestUpdate();
    await this.host.updateComplete;
    // The comment box appears below the buttons: take the visitor there once.
    if (first) this.host.renderRoot.querySelector<HTMLTextAreaElement>('.rating-comment textarea')?.focus({ preventScroll: true });
  }

  private readonly handleSubmit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const c = this.chat;
    const score = this.score;
    if (!score || this.sending) return;
    const comment = String(new FormData(e.target as HTMLFormElement).get('comment') ?? '').trim();
    this.sending = true;
    this.failed = false;
    this.host.requestUpdate();
    this.request = new AbortController();
    try {
      await requestJson(joinUrl(c.api.base, '/kefu/api/visitor/rating'), {
        method: 'POST',
        token: c.api.token,
        body: { score, comment: comment || undefined },
        signal: this.request.signal,
      });
      this.thankedAt = this.newestOwn;
      c.askRating = false;
    } catch (err) {
      // 409: nothing to rate any more (reopened, or rated in another tab): the card goes.
      if (err instanceof ApiError && err.status === 409) c.askRating = false;
      else if (!this.request.signal.aborted) this.failed = true;
    } finally {
      this.sending = false;
      this.host.requestUpdate();
    }
  };
}
