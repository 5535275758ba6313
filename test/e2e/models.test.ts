// Several models end to end: the seven-model fixtures imported by the CLI into
// a new database, a plan requested over HTTP, read back per model through
// GraphQL, by `tokengrid plans show` and in the web view in Chromium, which
// must all say the same cost per million tokens for each model.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/browser.js';
import { cliWorkspace, runCli, serve, stop, type CliWorkspace } from '../helpers/cli.js';
import { describeIf } from '../helpers/skip.js';
import { ensureWebBuild, graphqlAt, SCREENSHOTS } from '../helpers/web.js';

vi.setConfig({ testTimeout: 240_000 });

const SEVEN = join(import.meta.dirname, '../../fixtures');

let workspace: CliWorkspace;
let server: ChildProcess | undefined;
let url: string;
let planId: string;
let models: { modelCode: string; costPerMillionTokens: number | null; servedTokensPerSecond: number }[];

beforeAll(async () => {
  workspace = await cliWorkspace('models-e2e', { from: 'migrated' });
  const imported = await runCli(workspace, ['import', SEVEN]);
  expect(imported.err).toBe('');
  expect(imported.code).toBe(0);
  const started = await serve(workspace, { LOG_LEVEL: 'warn' });
  server = started.child;
  url = started.url;
  const data = await graphqlAt(
    url,
    `mutation { requestPlan(input: { name: "seven models", wait: true }) {
      __typename ... on MutationRequestPlanSuccess { data { id status
        models { modelCode servedTokensPerSecond demandTokensPerSecond costPerMillionTokens gpus { siteCode gpuTypeCode gpusPerReplica } }
      } } } }`,
  );
  const plan = data.requestPlan.data;
  expect(plan.status).toBe('SOLVED');
  planId = plan.id;
  models = plan.models;
}, 240_000);

afterAll(async () => {
  if (server) await stop(server);
  await workspace?.cleanup();
});

describe('the seven-model fixtures through the service', () => {
  it('stores the seven models and plans each, DeepSeek-R1 only on GPU types that can hold it', async () => {
    const data = await graphqlAt(url, '{ models { code architecture paramsTotalB } }');
    const codes = (data.models.nodes ?? data.models).map((m: { code: string }) => m.code);
    expect(codes).toHaveLength(7);
    expect(models.map((m) => m.modelCode)).toEqual([...codes].sort());
    const deepseek = (
      await graphqlAt(
        url,
        `{ plan(id: "${planId}") { models(modelCodes: ["DEEPSEEK-R1"]) { gpus { gpuTypeCode gpusPerReplica } } } }`,
      )
    ).plan.models;
    expect(deepseek).toHaveLength(1);
    const types = new Set(deepseek[0].gpus.map((g: { gpuTypeCode: string }) => g.gpuTypeCode));
    for (const unable of ['H100-SXM', 'L40S', 'A100-SXM', 'ASCEND-910B']) expect(types.has(unable)).toBe(false);
    for (const model of models) expect(model.costPerMillionTokens).toBeGreaterThan(0);
  });

  it('`tokengrid plans show` prints the same cost per million tokens for each model', async () => {
    await stop(server!);
    server = undefined;
    const shown = await runCli(workspace, ['plans', 'show', planId]);
    expect(shown.err).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('By model (7):');
    for (const model of models) {
      const line = shown.out.split('\n').find((l) => l.trimStart().startsWith(`${model.modelCode} `))!;
      expect(line, model.modelCode).toBeDefined();
      expect(line).toContain(`$${model.costPerMillionTokens!.toFixed(4)}`);
    }
    const started = await serve(workspace, { LOG_LEVEL: 'warn' });
    server = started.child;
    url = started.url;
  });
});

describeIf(hasChromium, 'the seven-model plan in the web view', `${CHROMIUM} is not installed`, () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuild();
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it('shows a per-model cost table with the API’s figures, at desktop and phone width', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await (await browser.newContext({ viewport })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${url}/#plan=${planId}`);
      await page.locator('body[data-ready=true]').waitFor({ timeout: 120_000 });
      const rows = page.getByTestId('model-row');
      await expect.poll(() => rows.count()).toBe(7);
      for (const model of models) {
        const cell = page.locator(`[data-testid=model-row][data-model="${model.modelCode}"] td`).first();
        expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(model.costPerMillionTokens!, 9);
      }
      const table = page.getByTestId('model-table');
      await table.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `models-${name}.png`), fullPage: false });
      // the table scrolls inside its wrapper on a phone rather than cutting columns
      const wrap = await table.evaluate((el) => {
        const parent = el.parentElement!;
        return { scrollable: getComputedStyle(parent).overflowX, width: parent.clientWidth };
      });
      expect(['auto', 'scroll']).toContain(wrap.scrollable);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});
