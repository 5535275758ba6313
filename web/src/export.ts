// A plan as files, each one request to the server's export endpoints, which
// stream them: allocations as CSV (one row per site × region × class × period),
// the plan as JSON (as `tokengrid plans show --json` prints it).
import { fetchFile } from './api.js';

/** Downloads a plan's allocations (`csv`) or the whole plan (`json`) under the server's file name. */
export async function downloadPlan(planId: string, kind: 'csv' | 'json'): Promise<void> {
  const id = encodeURIComponent(planId);
  const { blob, name } = await fetchFile(kind === 'csv' ? `/plans/${id}/allocations.csv` : `/plans/${id}.json`);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name ?? `tokengrid-plan-${planId}${kind === 'csv' ? '-allocations.csv' : '.json'}`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
