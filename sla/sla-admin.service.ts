import type { Database } from '../server/db/database.js';
import { BusinessCalendarRow, Department, SlaPolicy, TriageCategory } from '../server/db/entities/index.js';
import { isUniqueViolation } from '../server/db/database.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../server/errors.js';
import { validateCalendar, type BusinessCalendar } from './calendar.js';
import type { SlaConditions } from './policy.js';
import type { SlaConfig } from './sla-config.js';

export interface CalendarView { id: number; name: string; definition: BusinessCalendar; createdAt: string; updatedAt: string }
export interface PolicyInput {
  name?: string; conditions?: SlaConditions; firstResponseMinutes?: number | null; nextResponseMinutes?: number | null;
  resolutionMinutes?: number | null; warningPercent?: number; calendarId?: number | null; active?: boolean; position?: number;
}
export interface PolicyView {
  id: number; name: string; position: number; conditions: SlaConditions; firstResponseMinutes: number | null; nextResponseMinutes: number | null;
  resolutionMinutes: number | null; warningPercent: number; calendarId: number | null; active: boolean; createdAt: string; updatedAt: string;
}

/**
 * Business calendars and SLA policies, managed by admins. A change applies to live tickets too: their
 * deadlines are recomputed in the background (`onChange`), as ARCHITECTURE §5 asks of a policy change.
 */
export class SlaAdminService {
  constructor(private readonly o: { db: Database; config: SlaConfig; onChange: () => void }) {}

  async calendars(): Promise<CalendarView[]> {
    return (await this.o.db.read((m) => m.find(BusinessCalendarRow, { order: { name: 'ASC' } }))).map(calendarView);
  }

  async calendar(id: number): Promise<CalendarView> {
    const row = await this.o.db.read((m) => m.findOneBy(BusinessCalendarRow, { id }));
    if (!row) throw new NotFoundError('calendar');
    return calendarView(row);
  }

  async saveCalendar(id: number | null, input: { name?: string; definition?: unknown }): Promise<CalendarView> {
    if (input.definition !== undefined) assertCalendar(input.definition);
    const saved = await this.o.db.tx(async (m) => {
      if (id === null) {
        const res = await m.insert(BusinessCalendarRow, { name: input.name!, definition: input.definition as BusinessCalendar });
        return Number(res.identifiers[0]!.id);
      }
      if (!(await m.existsBy(BusinessCalendarRow, { id }))) throw new NotFoundError('calendar');
      const patch: Partial<BusinessCalendarRow> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.definition !== undefined) patch.definition = input.definition as BusinessCalendar;
      await m.update(BusinessCalendarRow, { id }, patch);
      return id;
    }).catch((err) => { if (isUniqueViolation(err)) throw new ConflictError('NAME_TAKEN', 'another calendar already has this name'); throw err; });
    // Only a calendar some department or policy uses can move a deadline.
    this.changed(id !== null && input.definition !== undefined && (await this.calendarInUse(id)));
    return this.calendar(saved);
  }

  async removeCalendar(id: number): Promise<void> {
    await this.o.db.tx(async (m) => {
      if (!(await m.existsBy(BusinessCalendarRow, { id }))) throw new NotFoundError('calendar');
      const [departments, policies] = await Promise.all([m.countBy(Department, { calendarId: id }), m.countBy(SlaPolicy, { calendarId: id })]);
      if (departments || policies) {
        throw new ConflictError('CALENDAR_IN_USE', `calendar is used by ${departments} departments and ${policies} policies; assign another first`, { departments, policies });
      }
      await m.delete(BusinessCalendarRow, { id });
    });
    this.changed(false);
  }

  async policies(): Promise<PolicyView[]> {
    return (await this.o.db.read((m) => m.find(SlaPolicy, { order: { position: 'ASC', id: 'ASC' } }))).map(policyView);
  }

  async policy(id: number): Promise<PolicyView> {
    const row = await this.o.db.read((m) => m.findOneBy(SlaPolicy, { id }));
    if (!row) throw new NotFoundError('SLA policy');
    return policyView(row);
  }

  /** Creates at the end of the list, or at `position` (1-based), moving the others down. */
  async savePolicy(id: number | null, input: PolicyInput): Promise<PolicyView> {
    let wasActive = false;
    const saved = await this.o.db.tx(async (m) => {
      if (id !== null) wasActive = (await m.findOneBy(SlaPolicy, { id }))?.active ?? false;
      if (input.calendarId != null && !(await m.existsBy(BusinessCalendarRow, { id: input.calendarId }))) {
        throw new UnprocessableError('UNKNOWN_CALENDAR', `calendar ${input.calendarId} does not exist`, { field: 'calendarId' });
      }
      // A condition on something that does not exist matches no ticket, silently: refuse it like a rule's.
      for (const d of input.conditions?.departmentIds ?? []) {
        if (!(await m.existsBy(Department, { id: d }))) throw new UnprocessableError('UNKNOWN_DEPARTMENT', `department ${d} does not exist`, { field: 'conditions.departmentIds' });
      }
      for (const c of input.conditions?.categories ?? []) {
        if (!(await m.existsBy(TriageCategory, { key: c }))) throw new UnprocessableError('UNKNOWN_CATEGORY', `category "${c}" does not exist`, { field: 'conditions.categories' });
      }
      const { position, ...fields } = input;
      let policyId = id;
      if (policyId === null) {
        const res = await m.insert(SlaPolicy, {
          name: fields.name!, conditions: fields.conditions ?? {}, position: 1_000_000,
          firstResponseMinutes: fields.firstResponseMinutes ?? null, nextResponseMinutes: fields.nextResponseMinutes ?? null,
          resolutionMinutes: fields.resolutionMinutes ?? null, warningPercent: fields.warningPercent ?? 75,
          calendarId: fields.calendarId ?? null, active: fields.active ?? true,
        });
        policyId = Number(res.identifiers[0]!.id);
      } else {
        if (!(await m.existsBy(SlaPolicy, { id: policyId }))) throw new NotFoundError('SLA policy');
        const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<SlaPolicy>;
        if (Object.keys(patch).length) await m.update(SlaPolicy, { id: policyId }, patch);
      }
      const order = (await m.find(SlaPolicy, { order: { position: 'ASC', id: 'ASC' }, select: { id: true } })).map((p) => p.id).filter((p) => p !== policyId);
      const at = position !== undefined ? Math.min(Math.max(position, 1), order.length + 1) - 1
        : id === null ? order.length : (await this.indexOf(m, policyId, order));
      order.splice(at, 0, policyId);
      await this.renumber(m, order);
      return policyId;
    });
    const view = await this.policy(saved);
    // An inactive policy, before and after, applies to no ticket.
    this.changed(wasActive || view.active);
    return view;
  }

  /** The whole order at once: every policy id exactly once, first match first. */
  async reorder(ids: number[]): Promise<PolicyView[]> {
    await this.o.db.tx(async (m) => {
      const all = (await m.find(SlaPolicy, { select: { id: true } })).map((p) => p.id).sort((a, b) => a - b);
      const given = [...ids].sort((a, b) => a - b);
      if (all.length !== given.length || all.some((v, i) => v !== given[i])) {
        throw new ValidationError('list every policy id exactly once', [{ field: 'ids', message: `expected ${all.join(', ')}` }], 'POLICY_ORDER_MISMATCH');
      }
      await this.renumber(m, ids);
    });
    this.changed(true);
    return this.policies();
  }

  async removePolicy(id: number): Promise<void> {
    const wasActive = await this.o.db.tx(async (m) => {
      const row = await m.findOneBy(SlaPolicy, { id });
      if (!row) throw new NotFoundError('SLA policy');
      await m.delete(SlaPolicy, { id });
      return row.active;
    });
    this.changed(wasActive);
  }

  private async calendarInUse(id: number): Promise<boolean> {
    return this.o.db.read(async (m) => (await m.countBy(Department, { calendarId: id })) + (await m.countBy(SlaPolicy, { calendarId: id })) > 0);
  }

  private async indexOf(m: import('typeorm').EntityManager, id: number, others: number[]): Promise<number> {
    const row = await m.findOneByOrFail(SlaPolicy, { id });
    const before = await m.createQueryBuilder(SlaPolicy, 'p').where('(p.position < :pos OR (p.position = :pos AND p.id < :id))', { pos: row.position, id }).getCount();
    return Math.min(before, others.length);
  }

  private async renumber(m: import('typeorm').EntityManager, ids: number[]): Promise<void> {
    for (const [i, id] of ids.entries()) await m.update(SlaPolicy, { id }, { position: i + 1 });
  }

  /** New rules apply to new evaluations at once; live tickets are recomputed only when deadlines can move. */
  private changed(recompute: boolean): void {
    this.o.config.invalidate();
    if (recompute) this.o.onChange();
  }
}

function assertCalendar(definition: unknown): void {
  const problems = validateCalendar(definition);
  if (problems.length) {
    throw new ValidationError(`invalid calendar: ${problems.join('; ')}`, problems.map((message) => ({ field: 'definition', message })), 'INVALID_CALENDAR');
  }
}

function calendarView(c: BusinessCalendarRow): CalendarView {
  return { id: c.id, name: c.name, definition: c.definition, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

function policyView(p: SlaPolicy): PolicyView {
  return {
    id: p.id, name: p.name, position: p.position, conditions: p.conditions, firstResponseMinutes: p.firstResponseMinutes,
    nextResponseMinutes: p.nextResponseMinutes, resolutionMinutes: p.resolutionMinutes, warningPercent: p.warningPercent,
    calendarId: p.calendarId, active: p.active, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
  };
}
