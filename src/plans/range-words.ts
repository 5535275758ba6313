// Sensitivity ranges in words: one sentence for the CLI (src/cli/plan.ts) and
// the web view's site panel (web/src/panels.ts). It imports nothing, so the web
// view's bundle takes it as it is.

export interface RangeEnds {
  low: number | null;
  high: number | null;
}

/** $ with the fewest decimals (3 to 6) that keep the two ends apart */
function dollarEnds(low: number, high: number): [string, string] {
  let decimals = 3;
  while (decimals < 6 && low.toFixed(decimals) === high.toFixed(decimals)) decimals++;
  return [`$${low.toFixed(decimals)}`, `$${high.toFixed(decimals)}`];
}

/** "this plan holds while US-ASH's price stays between $0.071 and $0.104/kWh" */
export function priceRangeSentence(siteCode: string, range: RangeEnds): string {
  const low = range.low ?? 0;
  if (range.high === null) {
    return low > 0
      ? `this plan holds while ${siteCode}'s price stays above $${low.toFixed(3)}/kWh`
      : `this plan holds at any price of ${siteCode}'s electricity`;
  }
  const [from, to] = dollarEnds(low, range.high);
  return `this plan holds while ${siteCode}'s price stays between ${from} and ${to}/kWh`;
}

const kw = (value: number): string =>
  value.toLocaleString('en-US', {
    maximumFractionDigits: value >= 100 ? 0 : 1,
    minimumFractionDigits: value >= 100 ? 0 : 1,
  });

/** "its power cap between 1,200 and 1,800 kW" style clause, or "above 602 kW" */
export function powerCapRangeWords(range: RangeEnds): string {
  const low = range.low ?? 0;
  if (range.high === null) return low > 0 ? `its power cap above ${kw(low)} kW` : 'any power cap';
  return `its power cap between ${kw(low)} and ${kw(range.high)} kW`;
}
