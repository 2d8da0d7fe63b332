import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../client/api-error.js';
import type { SearchHit, SearchPage } from '../protocol/wire.js';
import { en, type AdminStrings } from './i18n/en.js';

/** DeskApi.search's shape; tests pass a scripted one. */
export type SearchFn = (q: string, before: number | null, limit: number, signal: AbortSignal) => Promise<SearchPage>;

const DEBOUNCE_MS = 250;
const PAGE = 20;

// One Han character or kana is already a word ("退", "款"); one Latin letter
// matches nearly every message and only costs the server a long scan.
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;

/** Whether a trimmed query is worth sending: 2 characters, or 1 of CJK text. */
export function searchable(term: string): boolean {
  return [...term].length >= 2 || CJK.test(term);
}

/**
 * The agent's search over all history without DOM: debounced as they type,
 * one request at a time (a newer query aborts the one still running, and an
 * answer that comes anyway is dropped), pages appended by `more()`.
 *
 * A Lit ReactiveController: leaving the document aborts the request and the
 * pending debounce; coming back runs the interrupted search again.
 */
export class SearchController implements ReactiveController {
  /** What the agent typed. */
  query = '';
  /** The trimmed query the hits are for; '' when none are shown. */
  term = '';
  hits: readonly SearchHit[] = [];
  /** `before` for the next page; null when there is none. */
  next: number | null = null;
  loading = false;
  /** Where the error message comes from; the view sets it for its language. */
  strings: AdminStrings = en;

  private failure: { err: ApiError; more: boolean } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The request in flight: an answer is used only while it is still this one. */
  private request: AbortController | undefined;
  private connected = false;
  /** The query's first page is still owed (waiting for the debounce, or interrupted by leaving). */
  private due = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly search: SearchFn,
  ) {
    host.addController(this);
  }

  /** A short message for the last failure, in `strings`' language; '' when none. */
  get error(): string {
    const err = this.failure?.err;
    if (!err) return '';
    const t = this.strings;
    if (err.status === 0) return t.searchOffline;
    if (err.status === 429) return t.searchBusy;
    if (err.status === 503) return t.searchUnavailable;
    return t.searchFailed;
  }

  /** The query is not empty but too short to search. */
  get tooShort(): boolean {
    const term = this.query.trim();
    return term !== '' && !searchable(term);
  }

  hostConnected(): void {
    this.connected = true;
    if (this.due) void this.run();
  }

  hostDisconnected(): void {
    this.connected = false;
    // `due` stays set for a first page under way: it is asked again on return. An interrupted "more" is simply offered again.
    this.stop();
    this.host.requestUpdate();
  }

  setQuery(q: string): void {
    this.query = q;
    const term = q.trim();
    this.stop();
    this.due = false;
    if (!searchable(term)) {
      this.show('', [], null);
    } else if (term !== this.term || this.failure) {
      this.due = true;
      if (this.connected) this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
    }
    this.host.requestUpdate();
  }

  /** Loads the page after the hits shown and appends it. */
  async more(): Promise<void> {
    if (this.next === null || !this.term || this.request || this.due || !this.connected) return;
    const before = this.next;
    await this.fetch(this.term, before, (page) => {
      const seen = new Set(this.hits.map((h) => h.mid));
      this.hits = [...this.hits, ...page.hits.filter((h) => !seen.has(h.mid))];
      this.next = page.next;
    });
  }

  /** Repeats what failed: the search, or the next page. */
  retry(): Promise<void> {
    if (this.failure?.more) return this.more();
    this.due = true;
    return this.run();
  }

  private async run(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const term = this.query.trim();
    if (!this.connected || !this.due || !searchable(term)) return;
    // The hits of the previous query stay in view (marked busy) until this one answers.
    await this.fetch(term, null, (page) => {
      this.due = false;
      this.show(term, page.hits, page.next);
    });
  }

  private async fetch(term: string, before: number | null, use: (page: SearchPage) => void): Promise<void> {
    this.request?.abort();
    const request = (this.request = new AbortController());
    this.loading = true;
    this.failure = undefined;
    this.host.requestUpdate();
    try {
      const page = await this.search(term, before, PAGE, request.signal);
      if (request !== this.request) return;
      use(page);
    } catch (err) {
      if (request !== this.request) return;
      if (before === null) {
        // What is shown belongs to another query: gone, with the reason in its place.
        this.due = false;
        this.show('', [], null);
      }
      this.failure = { err: ApiError.from(err), more: before !== null };
    } finally {
      if (request === this.request) {
        this.request = undefined;
        this.loading = false;
        this.host.requestUpdate();
      }
    }
  }

  private show(term: string, hits: readonly SearchHit[], next: number | null): void {
    this.term = term;
    this.hits = hits;
    this.next = next;
    this.failure = undefined;
  }

  /** Stops the debounce and the request in flight; their answers, if any come, are dropped. */
  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.request?.abort();
    this.request = undefined;
    this.loading = false;
  }
}

export interface TextPart {
  text: string;
  match: boolean;
}

/**
 * `text` cut into the parts that match `term` (case-insensitive, every
 * occurrence) and the parts between, for wrapping matches in <mark> without
 * ever reading text as HTML.
 */
export function matchParts(text: string, term: string): TextPart[] {
  const needle = term.trim();
  if (!needle || !text) return text ? [{ text, match: false }] : [];
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(new RegExp(escapeRegExp(needle), 'giu'))) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), match: false });
    parts.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * A long message cut to about `max` characters around its first match, so the
 * match is in view; '…' marks what was cut.
 */
export function excerpt(text: string, term: string, max = 180): string {
  if (text.length <= max) return text;
  const m = new RegExp(escapeRegExp(term.trim()), 'iu').exec(text);
  let start = m && m.index > max / 3 ? m.index - Math.floor(max / 3) : 0;
  start = Math.min(start, text.length - max);
  // Never cut a surrogate pair (an emoji, a rare Han character) in half.
  if (isLowSurrogate(text.charCodeAt(start))) start++;
  let end = start + max;
  if (isLowSurrogate(text.charCodeAt(end))) end++;
  return (start > 0 ? '…' : '') + text.slice(start, end).trim() + (end < text.length ? '…' : '');
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
