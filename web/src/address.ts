// What the page keeps in its address: the plan shown and the model the map is
// filtered to, as `#plan=<id>&model=<code>` (an address without a model shows
// every model, as one written before models existed does), and the plan sweep
// shown as a curve, `#sweep=<id>`, before them when there is one.

export interface Address {
  planId: string | null;
  modelCode: string | null;
  /** the sweep shown (absent: none) */
  sweepId?: string;
}

const ID = /^[\w-]+$/;

export function parseAddress(hash: string): Address {
  const fields = new URLSearchParams(hash.replace(/^#/, ''));
  const planId = fields.get('plan');
  const modelCode = fields.get('model');
  const sweepId = fields.get('sweep');
  return {
    planId: planId && ID.test(planId) ? planId : null,
    // any text: the page only compares it with the plan's model codes (and says when none matches)
    modelCode: modelCode || null,
    ...(sweepId && ID.test(sweepId) ? { sweepId } : {}),
  };
}

export function formatAddress({ planId, modelCode, sweepId }: Address): string {
  const parts = [
    ...(sweepId ? [`sweep=${sweepId}`] : []),
    ...(planId ? [`plan=${planId}`] : []),
    ...(planId && modelCode ? [`model=${encodeURIComponent(modelCode)}`] : []),
  ];
  return parts.length ? `#${parts.join('&')}` : '';
}
