// What the page keeps in its address: the plan shown and the model the map is
// filtered to, as `#plan=<id>&model=<code>` (an address without a model shows
// every model, as one written before models existed does).

export interface Address {
  planId: string | null;
  modelCode: string | null;
}

const PLAN_ID = /^[\w-]+$/;

export function parseAddress(hash: string): Address {
  const fields = new URLSearchParams(hash.replace(/^#/, ''));
  const planId = fields.get('plan');
  const modelCode = fields.get('model');
  return {
    planId: planId && PLAN_ID.test(planId) ? planId : null,
    // any text: the page only compares it with the plan's model codes (and says when none matches)
    modelCode: modelCode || null,
  };
}

export function formatAddress({ planId, modelCode }: Address): string {
  if (!planId) return '';
  return `#plan=${planId}${modelCode ? `&model=${encodeURIComponent(modelCode)}` : ''}`;
}
