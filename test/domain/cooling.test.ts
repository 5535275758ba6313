import { describe, expect, it } from 'vitest';
import { COOLING_TYPES } from '../../src/dataset/schema.js';
import { DEFAULT_PUE_BY_COOLING, defaultPue, effectivePue } from '../../src/domain/cooling.js';

describe('cooling', () => {
  it('has a default PUE for every cooling type, within the SOURCES.md §6 ranges', () => {
    expect(Object.keys(DEFAULT_PUE_BY_COOLING).sort()).toEqual([...COOLING_TYPES].sort());
    expect(defaultPue('AIR')).toBe(1.4);
    expect(defaultPue('IMMERSION')).toBe(1.05);
    // immersion < free air < cold plate < evaporative < air
    const order = ['IMMERSION', 'FREE_AIR', 'LIQUID_COLD_PLATE', 'EVAPORATIVE', 'AIR'] as const;
    for (let i = 1; i < order.length; i++) expect(defaultPue(order[i]!)).toBeGreaterThan(defaultPue(order[i - 1]!));
  });

  it('uses the site’s own PUE when it has one, else the default', () => {
    expect(effectivePue({ pue: 1.31, coolingType: 'AIR' })).toBe(1.31);
    expect(effectivePue({ pue: null, coolingType: 'LIQUID_COLD_PLATE' })).toBe(1.15);
    expect(effectivePue({ pue: null, coolingType: 'FREE_AIR' })).toBe(1.12);
  });
});
