// The web view's model filter as pure functions: the address that keeps the
// choice (web/src/address.ts), which plans name models and why a model has
// nothing to draw (web/src/models.ts).
import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from '../../web/src/address.js';
import { namedModels, noneServedText } from '../../web/src/models.js';
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
