import { ALWAYS_OPEN_UTC, type BusinessCalendar } from './calendar.js';
import type { PolicyRule } from './policy.js';
import type { Database } from '../server/db/database.js';
import type { SqlSession } from '../server/db/sql-session.js';

export interface DepartmentSla {
  id: number;
  name: string;
  calendarId: number | null;
  slackChannel: string | null;
  /** Levels after a breach; the head alone when none are configured. */
  chain: Array<{ agentId: number; delayMinutes: number }>;
}

export interface ContactAgent { id: number; name: string; email: string; slackUserId: string | null; locale: string; active: boolean }

interface Snapshot {
  policies: PolicyRule[];
  calendars: Map<number, BusinessCalendar>;
  departments: Map<number, DepartmentSla>;
  agents: Map<number, ContactAgent>;
  until: number;
}

/**
 * Policies, calendars, departments and contacts, read once and kept briefly: every ticket change
 * evaluates SLA, and these change rarely. Local edits invalidate at once; another process's edits
 * apply within `ttlMs`.
 */
export class SlaConfig {
  private snapshot: Snapshot | null = null;
  /** Bumped by invalidate(): a load that began before an edit must not put the old rules back. */
  private generation = 0;
  private loading: Promise<Snapshot> | null = null;

  constructor(private readonly db: Database, private readonly ttlMs = 5_000) {}

  invalidate(): void {
    this.generation++;
    this.snapshot = null;
  }

  /**
   * Inside a transaction pass its session: on the embedded engine a separate read would queue behind
   * the very transaction waiting for it.
   */
  async get(sql?: SqlSession): Promise<Snapshot> {
    if (this.snapshot && this.snapshot.until > Date.now()) return this.snapshot;
    if (sql) return this.load(sql);
    this.loading ??= this.db.sqlTx((sql) => this.load(sql)).finally(() => { this.loading = null; });
    return this.loading;
  }

  calendarOf(s: Snapshot, policy: PolicyRule | null, departmentId: number): BusinessCalendar {
    const id = policy?.calendarId ?? s.departments.get(departmentId)?.calendarId ?? null;
    return (id !== null ? s.calendars.get(id) : undefined) ?? ALWAYS_OPEN_UTC;
  }

  private async load(sql: SqlSession): Promise<Snapshot> {
    const generation = this.generation;
    const snap = await (async () => {
      const policies = await sql.rows<Record<string, unknown>>('SELECT id, name, conditions, firstResponseMinutes, nextResponseMinutes, resolutionMinutes, warningPercent, calendarId FROM sla_policy WHERE active = 1 ORDER BY position, id');
      const calendars = await sql.rows<{ id: number; definition: string }>('SELECT id, definition FROM business_calendar');
      const departments = await sql.rows<Record<string, unknown>>('SELECT id, name, calendarId, headAgentId, slackChannel, escalationChain FROM department');
      const agents = await sql.rows<Record<string, unknown>>('SELECT id, name, email, slackUserId, locale, active FROM agent');
      return { policies, calendars, departments, agents };
    })();
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const parsed: Snapshot = {
      policies: snap.policies.map((p) => ({
        id: Number(p.id), name: String(p.name), conditions: JSON.parse(String(p.conditions)),
        firstResponseMinutes: num(p.firstResponseMinutes), nextResponseMinutes: num(p.nextResponseMinutes), resolutionMinutes: num(p.resolutionMinutes),
        warningPercent: Number(p.warningPercent), calendarId: num(p.calendarId),
      })),
      calendars: new Map(snap.calendars.map((c) => [Number(c.id), JSON.parse(String(c.definition)) as BusinessCalendar])),
      departments: new Map(snap.departments.map((d) => {
        const head = num(d.headAgentId);
        const configured = d.escalationChain ? (JSON.parse(String(d.escalationChain)) as DepartmentSla['chain']) : [];
        return [Number(d.id), {
          id: Number(d.id), name: String(d.name), calendarId: num(d.calendarId), slackChannel: (d.slackChannel as string | null) ?? null,
          chain: configured.length ? configured : head !== null ? [{ agentId: head, delayMinutes: 30 }] : [],
        }];
      })),
      agents: new Map(snap.agents.map((a) => [Number(a.id), {
        id: Number(a.id), name: String(a.name), email: String(a.email), slackUserId: (a.slackUserId as string | null) ?? null,
        locale: String(a.locale), active: Boolean(Number(a.active)),
      }])),
      until: Date.now() + this.ttlMs,
    };
    if (generation === this.generation) this.snapshot = parsed;
    return parsed;
  }
}
