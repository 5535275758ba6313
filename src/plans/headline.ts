// A plan's first line, in words: what it costs (money only) and, when it
// leaves demand unserved, how much and why. The CLI summary and the webhook
// payload print this line; the web view writes the same sentence from the
// same API figures (web/src/panels.ts).
import type { PlanResult, UnservedReason } from '../optimizer/types.js';
import { UNSERVED_REASON_WORDS } from './unserved-reason-words.js';

const REASON_WORDS: Readonly<Record<UnservedReason, string>> = UNSERVED_REASON_WORDS;

export const unservedReasonWords = (reason: UnservedReason): string => REASON_WORDS[reason];

/** "1.2 k tok/s", "3.40 M tok/s" */
export function tokensText(tokensPerSecond: number): string {
  const fixed = (value: number, digits: number) =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return tokensPerSecond >= 1e6
    ? `${fixed(tokensPerSecond / 1e6, 2)} M tok/s`
    : `${fixed(tokensPerSecond / 1e3, 1)} k tok/s`;
}

/** "$18,652.10" */
export const dollarsText = (value: number): string =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The unserved demand by reason, largest first: the dominant reasons. */
export function unservedByReason(
  plan: Pick<PlanResult, 'unserved'>,
): { reason: UnservedReason; tokensPerSecond: number }[] {
  const sums = new Map<UnservedReason, number>();
  for (const u of plan.unserved) sums.set(u.reason, (sums.get(u.reason) ?? 0) + u.unservedTokensPerSecond);
  return [...sums]
    .map(([reason, tokensPerSecond]) => ({ reason, tokensPerSecond }))
    .sort((a, b) => b.tokensPerSecond - a.tokensPerSecond || (a.reason < b.reason ? -1 : 1));
}

/**
 * "leaves 12.3 k tok/s (1.0%) of demand unserved: GPU capacity 10.0 k tok/s,
 * power caps 2.3 k tok/s" — or null when everything is served. At most three
 * reasons, then "… and N more".
 */
export function unservedSentence(plan: Pick<PlanResult, 'totals' | 'unserved'>): string | null {
  const totals = plan.totals;
  if (!totals || !(totals.unservedTokensPerSecond > 0)) return null;
  const share =
    totals.demandTokensPerSecond > 0 ? (100 * totals.unservedTokensPerSecond) / totals.demandTokensPerSecond : 100;
  const reasons = unservedByReason(plan);
  const shown = reasons.slice(0, 3).map((r) => `${REASON_WORDS[r.reason]} ${tokensText(r.tokensPerSecond)}`);
  const more = reasons.length > 3 ? `, … and ${reasons.length - 3} more` : '';
  return `leaves ${tokensText(totals.unservedTokensPerSecond)} (${share.toFixed(1)}%) of demand unserved${shown.length ? `: ${shown.join(', ')}${more}` : ''}`;
}

/** The plan in one line: status, cost per hour (money only), and what it leaves unserved. */
export function planHeadline(plan: Pick<PlanResult, 'status' | 'totals' | 'unserved' | 'message'>): string {
  const totals = plan.totals;
  if (!totals) return `Plan ${plan.status}: no plan${plan.message ? ` (${plan.message})` : ''}`;
  const cost = `${dollarsText(totals.costPerHour.total)}/h for ${tokensText(totals.servedTokensPerSecond)} served`;
  const unserved = unservedSentence(plan);
  return `Plan ${plan.status}: ${cost}${unserved ? `; ${unserved}` : '; all demand served'}`;
}
