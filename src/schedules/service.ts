// The schedule use-cases: create, update, pause/resume and delete a schedule,
// each keeping the job queue's cron in line with the row. The queue side
// (pg-boss's crons and this process's tick workers) is behind ScheduleCrons,
// implemented in src/jobs/schedules.ts; the GraphQL resolvers (and through them
// the CLI) call these after checking their input.
import type { Database } from '../db/database.js';
import type { Prisma } from '../generated/prisma/client.js';
import { updateIfUnchanged } from '../db/guarded-update.js';
import { ConflictError, NotFoundError, staleUpdateError, ValidationError } from '../errors.js';
import { forbiddenHostReason, NO_DESTINATION_ALLOW, type DestinationAllow } from '../net.js';
import { preparePlan } from '../plans/request.js';
import type { SolverCaps } from '../plans/solver-caps.js';
import { checkCron } from './cron.js';

/** What the queue needs of a schedule to register its cron. */
export interface ScheduleCron {
  id: string;
  cron: string;
  timeZone: string;
  enabled: boolean;
}

/** The job queue's side of a schedule: its cron, and its ticks taken in this process. */
export interface ScheduleCrons {
  /** registers the cron when the schedule is enabled, unregisters it when paused; idempotent */
  sync(schedule: ScheduleCron): Promise<void>;
  /** unregisters the cron and drops its ticks */
  remove(scheduleId: string): Promise<void>;
  /** takes a new schedule's ticks here at once, where this process runs schedules (others find it at their re-sync) */
  subscribe(scheduleId: string): Promise<void>;
  /** stops taking a deleted schedule's ticks here */
  unsubscribe(scheduleId: string): Promise<void>;
}

/** A schedule to create, its input already checked (cron, zone, URL). */
export interface NewSchedule {
  name: string;
  cron: string;
  timeZone: string;
  scenario?: string | undefined;
  options: Record<string, unknown>;
  enabled: boolean;
  webhookUrl?: string | undefined;
}

/** The fields to change on the schedule `name` (left out: unchanged; null: none). */
export interface ScheduleChange {
  name: string;
  cron?: string | undefined;
  timeZone?: string | undefined;
  scenario?: string | null | undefined;
  options?: Record<string, unknown> | undefined;
  webhookUrl?: string | null | undefined;
  /** the updatedAt the client read: the change is made only if it is still the row's (else ConflictError) */
  expectedUpdatedAt?: Date | undefined;
}

/** A schedule's stored options: the PlanOptions given, as they were written. */
export function storedScheduleOptions(json: Prisma.JsonValue): Record<string, unknown> {
  return json as Record<string, unknown>;
}

export class ScheduleService {
  constructor(
    private readonly db: Database,
    private readonly crons: ScheduleCrons,
    private readonly options: { webhookAllow?: DestinationAllow } = {},
  ) {}

  /**
   * A webhook may not point at this machine, a private network or a cloud
   * metadata service (an SSRF path) unless the operator allows that host or
   * range (TOKENGRID_WEBHOOK_ALLOW). The delivery checks the resolved address again.
   */
  private checkWebhookUrl(url: string | null | undefined): void {
    if (url == null) return;
    let hostname: string;
    try {
      hostname = new URL(url).hostname;
    } catch {
      throw new ValidationError([{ path: 'input.webhookUrl', message: 'must be an http or https URL' }]);
    }
    const allow = this.options.webhookAllow ?? NO_DESTINATION_ALLOW;
    const reason = forbiddenHostReason(hostname, allow);
    if (reason)
      throw new ValidationError([
        {
          path: 'input.webhookUrl',
          message: `${hostname} is ${reason}; webhooks may not reach it unless TOKENGRID_WEBHOOK_ALLOW allows it`,
        },
      ]);
  }

  /**
   * Stores the schedule and registers its cron (the row is deleted again when
   * that fails); answers its id. Its options keep to `caps` as a plan request's do.
   */
  async create(input: NewSchedule, caps: SolverCaps): Promise<string> {
    this.checkWebhookUrl(input.webhookUrl);
    const scenarioId = await this.checkPlanRequest(input.name, input.scenario ?? null, input.options, caps);
    if (await this.db.prisma.schedule.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new ConflictError(`a schedule named "${input.name}" already exists`);
    }
    const created = await this.db.prisma.schedule.create({
      data: {
        name: input.name,
        cron: input.cron.trim(),
        timeZone: input.timeZone,
        scenarioId,
        options: input.options as Prisma.InputJsonValue,
        enabled: input.enabled,
        webhookUrl: input.webhookUrl ?? null,
      },
    });
    try {
      await this.crons.sync(created);
    } catch (error) {
      await this.db.prisma.schedule.delete({ where: { id: created.id } });
      throw error;
    }
    await this.crons.subscribe(created.id);
    return created.id;
  }

  /** Changes the fields given and re-registers the cron; plans already made keep what they were made with. */
  async update(input: ScheduleChange, caps: SolverCaps): Promise<string> {
    this.checkWebhookUrl(input.webhookUrl);
    const existing = await this.scheduleOrThrow(input.name);
    const cron = input.cron?.trim() ?? existing.cron;
    const timeZone = input.timeZone ?? existing.timeZone;
    // a new zone alone may still leave the stored cron valid; check the pair
    const pair = checkCron(cron, timeZone);
    if (!pair.ok) throw new ValidationError([{ path: 'input.cron', message: pair.message }]);
    const scenarioCode = input.scenario === undefined ? (existing.scenario?.code ?? null) : input.scenario;
    const options = input.options ?? storedScheduleOptions(existing.options);
    const scenarioId = await this.checkPlanRequest(input.name, scenarioCode, options, caps);
    const data = {
      cron,
      timeZone,
      scenarioId,
      options: options as Prisma.InputJsonValue,
      ...(input.webhookUrl !== undefined ? { webhookUrl: input.webhookUrl } : {}),
    };
    const schedules = this.db.prisma.schedule;
    // a compare-and-set on updatedAt: with expectedUpdatedAt, only if nobody changed it since
    const outcome = await updateIfUnchanged(
      {
        current: async () =>
          (await schedules.findUnique({ where: { id: existing.id }, select: { updatedAt: true } }))?.updatedAt ?? null,
        write: async (expected, next) =>
          (
            await schedules.updateMany({
              where: { id: existing.id, updatedAt: expected },
              data: { ...data, updatedAt: next },
            })
          ).count,
      },
      input.expectedUpdatedAt,
    );
    if (outcome.outcome === 'missing') throw new NotFoundError('Schedule', input.name);
    if (outcome.outcome === 'changed')
      throw staleUpdateError('schedule', input.name, input.expectedUpdatedAt!, outcome.currentUpdatedAt);
    // the row as it is now (a pause may have come after this change): the cron follows it
    const updated = await schedules.findUnique({ where: { id: existing.id } });
    if (!updated) throw new NotFoundError('Schedule', input.name);
    await this.crons.sync(updated);
    return updated.id;
  }

  /** Pauses (false) or resumes (true) the schedule `name` and brings its cron in line. */
  async setEnabled(name: string, enabled: boolean): Promise<string> {
    const schedule = await this.scheduleOrThrow(name);
    // the row first: a re-sync between the two steps then agrees with what comes next
    await this.db.prisma.schedule.update({ where: { id: schedule.id }, data: { enabled } });
    await this.crons.sync({ ...schedule, enabled });
    return schedule.id;
  }

  /** Deletes the schedule `name` and its cron; its plans stay (without a schedule). */
  async delete(name: string): Promise<void> {
    const schedule = await this.db.prisma.schedule.findUnique({ where: { name }, select: { id: true } });
    if (!schedule) throw new NotFoundError('Schedule', name);
    await this.db.prisma.schedule.delete({ where: { id: schedule.id } });
    await this.crons.unsubscribe(schedule.id);
    await this.crons.remove(schedule.id);
  }

  /**
   * Checks scenario and options exactly as a tick will use them, solver caps
   * included (NotFoundError / ValidationError under `input.`); not the data
   * itself: it may be loaded before the first tick. Answers the scenario's id.
   */
  private async checkPlanRequest(
    scheduleName: string,
    scenarioCode: string | null,
    given: Record<string, unknown>,
    caps: SolverCaps,
  ): Promise<string | null> {
    await preparePlan(this.db, { name: scheduleName, scenarioCode, options: given }, { checkData: false, caps });
    if (scenarioCode == null) return null;
    const scenario = await this.db.prisma.scenario.findUniqueOrThrow({
      where: { code: scenarioCode },
      select: { id: true },
    });
    return scenario.id;
  }

  private async scheduleOrThrow(name: string) {
    const schedule = await this.db.prisma.schedule.findUnique({
      where: { name },
      select: {
        id: true,
        cron: true,
        timeZone: true,
        enabled: true,
        options: true,
        scenario: { select: { code: true } },
      },
    });
    if (!schedule) throw new NotFoundError('Schedule', name);
    return schedule;
  }
}
