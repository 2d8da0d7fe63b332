// axe-core run inside a real page. axe walks open shadow roots itself, so one
// run covers <kefu-admin>, its three inner components and the widget's panel.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue, Result, RunOptions } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (landmarks,
 * headings, unique labels): what a live chat on an arbitrary site owes its
 * users, and the same set for the console.
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** The impacts a test refuses; minor and moderate ones are reported, not failed. */
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

/**
 * Rules whose "needs review" is still a finding here. axe holds back on
 * `aria-label` on a role-less element only when the element has text of its
 * own; ARIA 1.2 prohibits the attribute there all the same
 * (https://www.w3.org/TR/wai-aria-1.2/#generic) and screen readers treat it unevenly.
 */
const REVIEW_FAILS: readonly string[] = ['aria-prohibited-attr'];

export interface AxeReport {
  /** Every violation axe found, whatever its impact. */
  all: Result[];
  /** Serious and critical ones (and the reviews of REVIEW_FAILS), one readable line per element. */
  blocking: string[];
  /** Every violation in the same readable form, for a log. */
  readable: string[];
  /**
   * What axe could not decide and leaves to a person, e.g. `aria-label` on a
   * role-less element that has text of its own (axe's "needs review").
   */
  review: string[];
}

/**
 * Runs axe-core on the page as it is now, on the whole document or only on
 * the elements `within` selects (and everything below them, shadow trees
 * included). The source goes in through the DevTools protocol, not a
 * <script>, so the sidecar's strict CSP (no inline script without its nonce)
 * does not stop it.
 */
export async function checkAccessibility(page: Page, within?: string): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const options: RunOptions = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations', 'incomplete'] };
  const results = await page.evaluate(
    ([selector, opts]) => {
      const axe = (window as unknown as { axe: { run(context: unknown, o: RunOptions): Promise<AxeResults> } }).axe;
      return axe.run(selector ? { include: [selector] } : document, opts);
    },
    [within, options] as const,
  );
  const all = results.violations;
  const serious = (v: Result) => !!v.impact && BLOCKING.includes(v.impact);
  return {
    all,
    blocking: [...all.filter(serious), ...results.incomplete.filter((v) => serious(v) && REVIEW_FAILS.includes(v.id))].flatMap(describe),
    readable: all.flatMap(describe),
    review: results.incomplete.flatMap(describe),
  };
}

/** `rule (impact) at host >> inner: summary`, one line per offending element. */
function describe(v: Result): string[] {
  return v.nodes.map((n) => {
    const where = n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(', ');
    const why = (n.failureSummary ?? v.help).replace(/\s*\n\s*/g, ' ');
    return `${v.id} (${n.impact ?? v.impact}) at ${where}: ${why}`;
  });
}
