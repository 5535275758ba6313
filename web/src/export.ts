// A plan as files: allocations as CSV (one row per site × region × class × period), the plan as JSON.
import type { Allocation, Plan } from './queries.js';

export const CSV_COLUMNS = ['siteCode', 'regionCode', 'workloadClassCode', 'period', 'tokensPerSecond'] as const;

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function allocationsCsv(rows: Allocation[]): string {
  return (
    [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row[column])).join(','))].join(
      '\n',
    ) + '\n'
  );
}

export function planJson(plan: Plan, allocations: Allocation[]): string {
  return JSON.stringify({ ...plan, allocations }, null, 2) + '\n';
}

export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
