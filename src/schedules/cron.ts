// Cron expressions and time zones as pg-boss's scheduler reads them: the same
// parser (cron-parser, which pg-boss evaluates every tick with), five fields
// (pg-boss checks schedules at most once a minute, so a seconds field would lie).
import cronParser from 'cron-parser';

export type Checked = { ok: true } | { ok: false; message: string };

/** An IANA time zone name the runtime knows (what cron-parser accepts for `tz`). */
export function checkTimeZone(timeZone: string): Checked {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return { ok: true };
  } catch {
    return {
      ok: false,
      message: `unknown time zone "${timeZone}" (use an IANA name such as "UTC" or "Europe/Berlin")`,
    };
  }
}

export function checkCron(cron: string, timeZone = 'UTC'): Checked {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    return {
      ok: false,
      message: `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    };
  }
  try {
    cronParser.parseExpression(cron, { tz: timeZone });
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      message: `not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** The next time the cron fires after `from`, or null when it cannot be read. */
export function nextRunAt(cron: string, timeZone: string, from: Date = new Date()): Date | null {
  try {
    return cronParser.parseExpression(cron, { tz: timeZone, currentDate: from }).next().toDate();
  } catch {
    return null;
  }
}
