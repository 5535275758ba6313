// Numbers as a planner reads them; every figure keeps its unit.

const number = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : number(digits).format(value);
}

export function usd(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? '—' : `$${fmt(value, digits)}`;
}

export function tokensPerSecond(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${fmt(value / 1e6, 2)} M tok/s`;
  if (abs >= 1e3) return `${fmt(value / 1e3, 1)} k tok/s`;
  return `${fmt(value, 0)} tok/s`;
}

export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '—' : `${fmt(value * 100, digits)}%`;
}

export function signed(value: number, digits = 2): string {
  return `${value > 0 ? '+' : ''}${fmt(value, digits)}`;
}

/** An instant as the CLI prints it, with its zone named: `2026-12-02 04:05:05 UTC`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Escapes text for innerHTML templates. */
export function esc(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
