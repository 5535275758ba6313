// A plan's export in pieces: the CSV's header and quoting, and the JSON whose
// pieces join to the value `tokengrid plans show --json` prints (planJson).
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/generated/prisma/client.js';
import type { AllocationRow } from '../../src/optimizer/types.js';
import { allocationsCsvChunks, planJson, planJsonChunks } from '../../src/plans/export.js';

const row = (siteCode: string, period: number, tokensPerSecond: number): AllocationRow => ({
  siteCode,
  regionCode: 'EU-WEST',
  modelCode: 'DEFAULT',
  workloadClassCode: 'STANDARD',
  period,
  tokensPerSecond,
});

const rows = Array.from({ length: 1234 }, (_, i) => row(`S${i % 7}`, i % 24, i * 1.5));

function storedPlan(result: unknown): Omit<Plan, 'inputSnapshot'> {
  return {
    id: '4f2b8a4e-2f51-4c38-9f0e-9d1d3b8c0a11',
    name: 'a "quoted", name',
    status: 'SOLVED',
    requestedAt: new Date('2026-12-02T04:20:34.000Z'),
    result,
  } as unknown as Omit<Plan, 'inputSnapshot'>;
}

describe('allocationsCsvChunks', () => {
  it('writes the header, then every row in pieces of a few hundred, quoting cells that need it', () => {
    const chunks = [...allocationsCsvChunks([...rows, row('A,"B"', 3, 0.25)])];
    expect(chunks.length).toBeGreaterThan(2);
    const lines = chunks.join('').split('\n');
    expect(lines[0]).toBe('siteCode,regionCode,modelCode,workloadClassCode,period,tokensPerSecond');
    expect(lines[1]).toBe('S0,EU-WEST,DEFAULT,STANDARD,0,0');
    expect(lines[2]).toBe('S1,EU-WEST,DEFAULT,STANDARD,1,1.5');
    expect(lines.at(-2)).toBe('"A,""B""",EU-WEST,DEFAULT,STANDARD,3,0.25');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(rows.length + 3);
  });

  it('writes the header alone for no rows', () => {
    expect([...allocationsCsvChunks([])].join('')).toBe(
      'siteCode,regionCode,modelCode,workloadClassCode,period,tokensPerSecond\n',
    );
  });
});

describe('planJsonChunks', () => {
  it.each([
    [
      'a result with rows',
      { status: 'optimal', totals: { costPerHour: { total: 1 } }, allocations: rows, gpuAllocations: rows.slice(0, 3) },
    ],
    ['a result with empty row arrays', { status: 'infeasible', allocations: [], gpuAllocations: [] }],
    ['a result with only rows', { allocations: rows.slice(0, 2) }],
    ['a result without row arrays', { status: 'error', message: 'no plan' }],
    ['an empty result', {}],
    ['no result', null],
  ])('joins to the JSON of planJson for %s', (_what, result) => {
    const plan = storedPlan(result);
    const chunks = [...planJsonChunks(plan)];
    expect(JSON.parse(chunks.join(''))).toEqual(JSON.parse(JSON.stringify(planJson(plan))));
  });

  it('never holds the rows in one piece', () => {
    const chunks = [...planJsonChunks(storedPlan({ allocations: rows, gpuAllocations: [] }))];
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(JSON.stringify(rows).length / 2);
  });
});
