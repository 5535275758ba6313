// The web view's model filter as pure functions: the address that keeps the
// choice (web/src/address.ts), which plans name models and why a model has
// nothing to draw (web/src/models.ts).
import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from '../../web/src/address.js';
import { modelCapHtml, namedModels, noneServedText, rulePriceText, ruleText } from '../../web/src/models.js';
import type { Plan } from '../../web/src/queries.js';

describe('the address', () => {
  it('reads and writes the plan and the model; an address from before models has no model', () => {
    expect(parseAddress('#plan=abc-1')).toEqual({ planId: 'abc-1', modelCode: null });
    expect(parseAddress('#plan=abc-1&model=LLAMA-3.1-8B')).toEqual({ planId: 'abc-1', modelCode: 'LLAMA-3.1-8B' });
    expect(parseAddress('#model=X')).toEqual({ planId: null, modelCode: 'X' });
    expect(parseAddress('#plan=a%20b')).toEqual({ planId: null, modelCode: null });
    expect(formatAddress({ planId: 'abc-1', modelCode: 'LLAMA-3.1-8B' })).toBe('#plan=abc-1&model=LLAMA-3.1-8B');
    expect(formatAddress({ planId: 'abc-1', modelCode: null })).toBe('#plan=abc-1');
    expect(formatAddress({ planId: null, modelCode: 'X' })).toBe('');
  });
});

const model = (modelCode: string, demand: number, served: number) =>
  ({ modelCode, demandTokensPerSecond: demand, servedTokensPerSecond: served }) as Plan['models'][number];

const plan = (models: Plan['models'], unserved: Partial<Plan['unserved'][number]>[] = []) =>
  ({ models, unserved }) as unknown as Plan;

describe('the models of a plan', () => {
  it('names none when the plan has only DEFAULT', () => {
    expect(namedModels(plan([model('DEFAULT', 10, 10)]))).toEqual([]);
    expect(namedModels(null)).toEqual([]);
    expect(namedModels(plan([model('A', 1, 1)])).map((m) => m.modelCode)).toEqual(['A']);
  });

  it('says why a model has nothing to draw: no demand, or its reasons largest first with an explanation', () => {
    const p = plan(
      [model('A', 100, 100), model('B', 0, 0), model('C', 3000, 0)],
      [
        { modelCode: 'C', reason: 'CAPACITY', unservedTokensPerSecond: 1000, explanation: '' },
        { modelCode: 'C', reason: 'NO_GPU_FOR_MODEL', unservedTokensPerSecond: 2000, explanation: 'no GPU here' },
        { modelCode: 'A', reason: 'COST', unservedTokensPerSecond: 5, explanation: 'not this one' },
      ],
    );
    expect(noneServedText(p, 'A')).toBeNull();
    expect(noneServedText(p, 'B')).toBe('B: none served — the plan has no demand for it.');
    expect(noneServedText(p, 'C')).toBe(
      'C: none served — its 3.0 k tok/s of demand is left unserved: no GPU type that can hold the model (2.0 k tok/s), GPU capacity (1.0 k tok/s). No GPU here.',
    );
    expect(noneServedText(p, 'Z')).toBe('Z is not in this plan.');
  });
});

describe('a model’s deployment rule and a site’s model cap, in words', () => {
  const rule = (price: number | null, best: string | null, allowedSites = ['A', 'B']) => ({
    allowedCountries: [],
    allowedSites,
    blockedSiteCodes: ['C'],
    shadowPricePerMillionTokens: price,
    bestBlockedSiteCode: best,
    bestBlockedRegionCode: best ? 'EU' : null,
  });

  it('says the price, that a rule costs nothing, or that an integer plan has no price', () => {
    expect(ruleText('M', rule(0.0278, 'C'))).toBe(
      'M may run only in sites A, B; 1 site(s) blocked (C): moving its EU demand to C would save $0.0278 per M tok at the margin.',
    );
    expect(ruleText('M', rule(0, null))).toBe(
      'M may run only in sites A, B; 1 site(s) blocked (C): costs nothing at the margin.',
    );
    expect(rulePriceText(rule(null, null))).toMatch(/^no price \(no dual values/);
    // a long list is counted, not spelled out
    expect(ruleText('M', rule(0, null, ['A', 'B', 'D', 'E', 'F', 'G']))).toMatch(/^M may run only in 6 listed sites;/);
  });

  it('shows a cap without a plan, a binding cap with its value, and one that does not bind', () => {
    expect(modelCapHtml(null, null)).toBe('');
    expect(modelCapHtml(3, null)).toContain('at most 3 model(s)');
    const binding = modelCapHtml(2, { maxModels: 2, modelsHosted: 2, binds: true, valuePerHour: 5.644 });
    expect(binding).toContain(
      'hosts 2 of at most 2 model(s) — the cap binds; one more model here would save $5.6440/h',
    );
    expect(binding).toContain('data-value="5.644"');
    expect(modelCapHtml(4, { maxModels: 4, modelsHosted: 1, binds: false, valuePerHour: null })).toContain(
      'hosts 1 of at most 4 model(s) — the cap does not bind',
    );
  });
});
