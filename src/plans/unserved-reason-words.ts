// Why demand is left unserved, in words: one table for the CLI and the webhook
// (src/plans/headline.ts) and the web view (web/src/panels.ts). It imports
// nothing, so the web view's bundle can take it as it is; each side checks that
// its own list of reasons (the optimizer's type, the schema's enum) has words.
export const UNSERVED_REASON_WORDS = {
  NO_SITE_WITHIN_LATENCY: 'no site within latency',
  RESIDENCY: 'residency rules',
  CAPACITY: 'GPU capacity',
  SITE_SHARE: 'the site-share limit',
  POWER: 'power caps',
  CARBON_CAP: 'the carbon cap',
  COST: 'cost above the penalty',
  NO_GPU_FOR_MODEL: 'no GPU type that can hold the model',
  MODEL_RULE: 'model deployment rules',
  MODEL_UNAVAILABLE: 'the model being unavailable',
} as const;
