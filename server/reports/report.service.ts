import type { Principal } from '../agents/principal.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { Agent, Department, TriageCategory } from '../db/entities/index.js';
import { sqlSession } from '../db/sql-session.js';
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import { addToHistogram, histogramDistribution, histogramMedian, ratio, round, type Histogram } from './report-math.js';
import { bucketCase, bucketStarts, isTimeZone, MAX_PERIOD_DAYS, resolvePeriod, type Interval } from './report-period.js';
import type {
  BreakdownRow, Dimension, LabelLanguage, Period, ReportBreakdown, ReportParams, ReportSummary, ReportTrend, SlaCompliance,
} from './report.types.js';

/** Statuses of a ticket someone still has to work on. */
const LIVE = "('new', 'open', 'pending', 'on_hold')";
/** Surveys that reached the member (a scheduled or cancelled one never did). */
const SENT = "('sent', 'answered', 'expired')";

const TICKET_KEY: Record<Dimension, string> = {
  department: 't.departmentId', agent: 't.assigneeId', category: 't.category', channel: 't.channel', tier: 'mb.tier', type: 't.type',
};
const SURVEY_KEY: Record<Dimension, string> = {
  department: 's.departmentId', agent: 's.agentId', category: 's.category', channel: 's.ticketChannel', tier: 's.tier', type: 's.type',
};

/** A period and filters, checked and scoped to what the caller may see. */
export interface ReportScope {
  from: Date;
  to: Date;
  tz: string;
  /** Departments the figures cover (never empty-handed: an empty list yields zeros). */
  departmentIds: number[];
  agentId?: number;
  category?: string;
  channel?: string;
  tier?: string;
  type?: string;
  /** The period ends now or later: backlog is the live count. */
  live: boolean;
}

type Key = number | string | null;
type Row = Record<string, unknown>;
/**
 * The period's facts as the queries return them: counted per distinct combination of the columns a
 * figure needs, not one row per ticket (a month of every department is 80,000 tickets, a year's trend
 * a million). Columns: `n` how many, `g` trend bucket, `k` breakdown key, `m` minutes, `b` breached,
 * `p` policy id, `r` reopened (0/1), `c` complaint (0/1), `st`/`rt` survey status and rating.
 */
interface Facts {
  by?: Dimension;
  /** Policy id → whether it sets a first-response / resolution target. */
  targets: Map<number, { fr: boolean; res: boolean }>;
  created: Row[];
  responded: Row[];
  solved: Row[];
  surveys: Row[];
  backlog: Row[];
}

/** Running totals of one group (the whole period, a trend bucket or a breakdown row). */
class Tally {
  created = 0;
  solved = 0;
  backlog = 0;
  readonly fr: Histogram = new Map();
  readonly res: Histogram = new Map();
  frTargets = 0;
  frMet = 0;
  resTargets = 0;
  resMet = 0;
  reopened = 0;
  complaints = 0;
  complaintsOnTime = 0;
  sent = 0;
  answered = 0;
  ratingSum = 0;

  compliance(): SlaCompliance {
    return { firstResponse: ratio(this.frMet, this.frTargets), resolution: ratio(this.resMet, this.resTargets) };
  }

  csatAverage(): number | null {
    return this.answered ? round(this.ratingSum / this.answered, 2) : null;
  }
}

/**
 * The reports (docs/reports.md): every figure is read from the ticket's stored statistics (working
 * minutes and breach flags the SLA engine writes), the SLA alerts and the surveys, so it agrees with
 * what each ticket shows. A few narrow queries fetch the period's facts; the figures, percentiles and
 * buckets are computed here, the same way for the summary, the trend and the breakdown.
 */
export class ReportService {
  constructor(private readonly o: { db: Database; clock: Clock }) {}

  // ── scope ──────────────────────────────────────────────────────────────────

  /** Checks the parameters and narrows the departments to the caller's (supervisors: their own). */
  async scope(p: Principal, q: ReportParams): Promise<ReportScope> {
    const tz = q.tz ?? 'UTC';
    if (!isTimeZone(tz)) throw new ValidationError(`unknown time zone ${tz}`, [{ field: 'query.tz', message: 'is not an IANA time zone' }]);
    const now = this.o.clock.now();
    const period = resolvePeriod(q, tz, now.getTime());
    if ('problem' in period) {
      if (period.problem === 'from' || period.problem === 'to') {
        throw new ValidationError(`invalid query: ${period.problem} is not a real date`, [{ field: `query.${period.problem}`, message: 'is not a real date or time' }]);
      }
      if (period.problem === 'reversed') throw new UnprocessableError('REPORT_PERIOD_REVERSED', 'the period must end after it starts (from < to)', { from: q.from ?? null, to: q.to ?? null });
      throw new UnprocessableError('REPORT_PERIOD_TOO_LONG', `a report covers at most ${MAX_PERIOD_DAYS} days`, { maxDays: MAX_PERIOD_DAYS });
    }
    let departmentIds: number[];
    if (p.role === 'supervisor') {
      if (q.departmentId !== undefined && !p.departmentIds.includes(q.departmentId)) {
        throw new ForbiddenError('supervisors see the reports of their own departments only');
      }
      departmentIds = q.departmentId !== undefined ? [q.departmentId] : [...p.departmentIds];
    } else if (p.role === 'admin' || p.role === 'analyst') {
      const all = await this.o.db.read((m) => m.find(Department, { select: { id: true }, order: { id: 'ASC' } }));
      if (q.departmentId !== undefined && !all.some((d) => d.id === q.departmentId)) throw new NotFoundError('department');
      // Every department by name, even for "all": the indexes lead with the department.
      departmentIds = q.departmentId !== undefined ? [q.departmentId] : all.map((d) => d.id);
    } else {
      throw new ForbiddenError('reports are for supervisors, analysts and admins');
    }
    return {
      from: new Date(period.from), to: new Date(period.to), tz, departmentIds,
      agentId: q.agentId, category: q.category, channel: q.channel, tier: q.tier, type: q.type,
      live: period.to >= now.getTime(),
    };
  }

  // ── reports ────────────────────────────────────────────────────────────────

  async summary(s: ReportScope): Promise<ReportSummary> {
    const [facts, alerts] = await Promise.all([this.facts(s), this.alerts(s)]);
    const t = this.tally(facts, null).get(0) ?? new Tally();
    return {
      period: period(s),
      created: t.created,
      solved: t.solved,
      backlog: t.backlog,
      backlogAsOf: s.live ? 'now' : 'period_end',
      firstResponseMinutes: histogramDistribution(t.fr),
      resolutionMinutes: histogramDistribution(t.res),
      slaCompliance: t.compliance(),
      breaches: alerts.breaches,
      escalations: alerts.escalations,
      csat: { average: t.csatAverage(), responseRate: ratio(t.answered, t.sent), responses: t.answered, sent: t.sent },
      resolutionRate: ratio(t.solved, t.created),
      onTimeComplaintRate: ratio(t.complaintsOnTime, t.complaints),
      reopenRate: ratio(t.reopened, t.solved),
    };
  }

  async trend(s: ReportScope, interval: Interval): Promise<ReportTrend> {
    const starts = bucketStarts(s.from.getTime(), s.to.getTime(), interval, s.tz);
    const facts = await this.facts(s, undefined, { backlog: false, buckets: starts });
    const groups = this.tally(facts, (g) => g);
    return {
      period: period(s),
      interval,
      buckets: starts.map((start, i) => {
        const t = groups.get(i) ?? new Tally();
        return {
          start: new Date(start).toISOString(),
          end: new Date(starts[i + 1] ?? s.to.getTime()).toISOString(),
          created: t.created,
          solved: t.solved,
          firstResponseMedian: histogramMedian(t.fr),
          resolutionMedian: histogramMedian(t.res),
          slaCompliance: t.compliance(),
          csatAverage: t.csatAverage(),
          csatResponses: t.answered,
        };
      }),
    };
  }

  async breakdown(s: ReportScope, by: Dimension, lang: LabelLanguage = 'zh-CN'): Promise<ReportBreakdown> {
    const facts = await this.facts(s, by);
    const keys = new Map<string, Key>();
    const groups = this.tally(facts, (_g, k) => {
      const text = keyText(k);
      if (!keys.has(text)) keys.set(text, k);
      return text;
    });
    const labels = await this.labels(by, [...keys.values()], lang);
    const rows: BreakdownRow[] = [...keys].map(([text, key]) => {
      const t = groups.get(text) ?? new Tally();
      const label = labels.get(text);
      return {
        key,
        label: label?.label ?? (key === null ? null : String(key)),
        ...(by === 'category' ? { labelZh: label?.zh ?? String(key), labelEn: label?.en ?? String(key) } : {}),
        created: t.created,
        solved: t.solved,
        backlog: t.backlog,
        firstResponseMedian: histogramMedian(t.fr),
        resolutionMedian: histogramMedian(t.res),
        slaCompliance: t.compliance(),
        csatAverage: t.csatAverage(),
        csatResponses: t.answered,
        reopenRate: ratio(t.reopened, t.solved),
      };
    });
    rows.sort((a, b) => b.created - a.created || b.solved - a.solved || String(a.label ?? '').localeCompare(String(b.label ?? '')) || keyText(a.key).localeCompare(keyText(b.key)));
    return { period: period(s), by, rows };
  }

  // ── facts ──────────────────────────────────────────────────────────────────

  /**
   * The period's facts, with the breakdown key `by` or the trend's bucket number when asked: tickets
   * created, first-responded and solved in it (merged tickets never count), surveys sent for solves in
   * it, and the backlog. Each ticket query ranges over one of the report indexes
   * (migrations/1764710000000-report-indexes.ts), which hold every column it reads: no table row is
   * visited, and the rows come back counted per distinct value.
   */
  private async facts(s: ReportScope, by?: Dimension, o: { backlog?: boolean; buckets?: readonly number[] } = {}): Promise<Facts> {
    if (!s.departmentIds.length) return { by, targets: new Map(), created: [], responded: [], solved: [], surveys: [], backlog: [] };
    const f = this.ticketFilter(s, by === 'tier');
    const range = [s.from, s.to];
    /** The grouping columns: the bucket of `time` (trend), the breakdown key. */
    const dims = (time: string, key: string | undefined) => {
      const out: Array<{ sql: string; params: unknown[] }> = [];
      if (o.buckets) { const c = bucketCase(time, o.buckets); out.push({ sql: `${c.sql} AS g`, params: c.params }); }
      if (key) out.push({ sql: `${key} AS k`, params: [] });
      return out;
    };
    const ticketsIn = (time: string) => `FROM ticket t${f.join} WHERE ${f.where} AND ${time} >= ? AND ${time} < ? AND t.status <> 'merged'`;
    const tk = by ? TICKET_KEY[by] : undefined;
    const [policies, created, responded, solved, surveys, backlog] = await Promise.all([
      // Whether a ticket's policy sets a target: read once (a handful of rows) instead of a join per ticket.
      this.rows('SELECT id, firstResponseMinutes AS fr, resolutionMinutes AS res FROM sla_policy', []),
      this.counted(dims('t.createdAt', tk), ticketsIn('t.createdAt'), [...f.params, ...range]),
      this.counted([...dims('t.firstResponseAt', tk),
        { sql: 't.firstResponseMinutes AS m', params: [] }, { sql: 't.firstResponseBreached AS b', params: [] }, { sql: 't.slaPolicyId AS p', params: [] },
      ], ticketsIn('t.firstResponseAt'), [...f.params, ...range]),
      this.counted([...dims('t.solvedAt', tk),
        { sql: 't.resolutionMinutes AS m', params: [] }, { sql: 't.resolutionBreached AS b', params: [] }, { sql: 't.slaPolicyId AS p', params: [] },
        { sql: 'CASE WHEN t.reopenCount > 0 THEN 1 ELSE 0 END AS r', params: [] }, { sql: "CASE WHEN t.type = 'complaint' THEN 1 ELSE 0 END AS c", params: [] },
      ], ticketsIn('t.solvedAt'), [...f.params, ...range]),
      this.surveys(s, dims('s.solvedAt', by ? SURVEY_KEY[by] : undefined)),
      o.backlog === false ? Promise.resolve([]) : this.backlog(s, by),
    ]);
    const targets = new Map(policies.map((p) => [Number(p.id), { fr: p.fr !== null && p.fr !== undefined, res: p.res !== null && p.res !== undefined }]));
    return { by, targets, created, responded, solved, surveys, backlog };
  }

  /**
   * COUNT(*) per distinct combination of the columns (`expr AS alias`) over the rows of `from`; a
   * single count without columns. The columns' own parameters come before `params`.
   */
  private counted(columns: Array<{ sql: string; params: unknown[] }>, from: string, params: unknown[]): Promise<Row[]> {
    if (!columns.length) return this.rows(`SELECT COUNT(*) AS n ${from}`, params);
    const aliases = columns.map((c) => /\sAS (\w+)$/.exec(c.sql)![1]!).join(', ');
    return this.rows(`SELECT ${aliases}, COUNT(*) AS n FROM (SELECT ${columns.map((c) => c.sql).join(', ')} ${from}) x GROUP BY ${aliases}`,
      [...columns.flatMap((c) => c.params), ...params]);
  }

  /** Surveys sent for solves in the period, filtered on the attribution copied at the solve, counted per status and rating. */
  private surveys(s: ReportScope, dims: Array<{ sql: string; params: unknown[] }>): Promise<Row[]> {
    const where = [`s.departmentId IN (${marks(s.departmentIds)})`, 's.solvedAt >= ?', 's.solvedAt < ?', `s.status IN ${SENT}`];
    const params: unknown[] = [...s.departmentIds, s.from, s.to];
    const eq = (col: string, v: unknown) => { if (v !== undefined) { where.push(`${col} = ?`); params.push(v); } };
    eq('s.agentId', s.agentId);
    eq('s.category', s.category);
    eq('s.ticketChannel', s.channel);
    eq('s.tier', s.tier);
    eq('s.type', s.type);
    return this.counted([...dims, { sql: 's.status AS st', params: [] }, { sql: 's.rating AS rt', params: [] }], `FROM survey s WHERE ${where.join(' AND ')}`, params);
  }

  /**
   * Tickets still to be worked on: live now when the period ends now or later; else those created
   * before `to`, not merged, and not solved by then (solvedAt empty or at/after `to`) — two ranges of
   * the solve index (which holds createdAt too) instead of one OR over every older ticket.
   */
  private async backlog(s: ReportScope, by?: Dimension): Promise<Row[]> {
    const f = this.ticketFilter(s, by === 'tier');
    const k = by ? `${TICKET_KEY[by]} AS k, ` : '';
    const group = by ? ` GROUP BY ${TICKET_KEY[by]}` : '';
    if (s.live) return this.rows(`SELECT ${k}COUNT(*) AS n FROM ticket t${f.join} WHERE ${f.where} AND t.status IN ${LIVE}${group}`, f.params);
    const [open, later] = await Promise.all([
      this.rows(`SELECT ${k}COUNT(*) AS n FROM ticket t${f.join}
        WHERE ${f.where} AND t.solvedAt IS NULL AND t.createdAt < ? AND t.status <> 'merged'${group}`, [...f.params, s.to]),
      this.rows(`SELECT ${k}COUNT(*) AS n FROM ticket t${f.join}
        WHERE ${f.where} AND t.solvedAt >= ? AND t.createdAt < ? AND t.status <> 'merged'${group}`, [...f.params, s.to, s.to]),
    ]);
    const sum = new Map<string, { k: unknown; n: number }>();
    for (const r of [...open, ...later]) {
      const text = keyText((r.k ?? null) as Key);
      const e = sum.get(text) ?? { k: r.k ?? null, n: 0 };
      e.n += Number(r.n);
      sum.set(text, e);
    }
    return [...sum.values()].filter((e) => e.n > 0);
  }

  /** SLA breach alerts fired in the period: level 1 per metric (breaches), level 2 and up (escalations). */
  private async alerts(s: ReportScope): Promise<{ breaches: ReportSummary['breaches']; escalations: number }> {
    const out = { breaches: { firstResponse: 0, nextResponse: 0, resolution: 0 }, escalations: 0 };
    if (!s.departmentIds.length) return out;
    const ticketFilters = s.agentId !== undefined || s.category !== undefined || s.channel !== undefined || s.tier !== undefined || s.type !== undefined;
    const f = this.ticketFilter(s, false, false);
    const join = ticketFilters ? ` JOIN ticket t ON t.id = a.ticketId${f.join}` : '';
    const level = 'CASE WHEN a.level >= 2 THEN 2 ELSE 1 END';
    const rows = await this.rows(`SELECT a.metric AS metric, ${level} AS lv, COUNT(*) AS n FROM sla_alert a${join}
      WHERE a.departmentId IN (${marks(s.departmentIds)}) AND a.kind = 'breach' AND a.firedAt >= ? AND a.firedAt < ?${ticketFilters ? ` AND ${f.where}` : ''}
      GROUP BY a.metric, ${level}`, [...s.departmentIds, s.from, s.to, ...(ticketFilters ? f.params : [])]);
    for (const r of rows) {
      const n = Number(r.n);
      if (Number(r.lv) >= 2) { out.escalations += n; continue; }
      if (r.metric === 'first_response') out.breaches.firstResponse += n;
      else if (r.metric === 'next_response') out.breaches.nextResponse += n;
      else if (r.metric === 'resolution') out.breaches.resolution += n;
    }
    return out;
  }

  /** The WHERE part every ticket query shares: the departments in scope and the filters. */
  private ticketFilter(s: ReportScope, joinMember: boolean, withDepartments = true): { join: string; where: string; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (withDepartments) { where.push(`t.departmentId IN (${marks(s.departmentIds)})`); params.push(...s.departmentIds); }
    const eq = (col: string, v: unknown) => { if (v !== undefined) { where.push(`${col} = ?`); params.push(v); } };
    eq('t.assigneeId', s.agentId);
    eq('t.category', s.category);
    eq('t.channel', s.channel);
    eq('t.type', s.type);
    eq('mb.tier', s.tier);
    const join = joinMember || s.tier !== undefined ? ' JOIN member mb ON mb.id = t.memberId' : '';
    return { join, where: where.length ? where.join(' AND ') : '1 = 1', params };
  }

  /**
   * Groups the facts into tallies in one pass over the rows: by trend bucket (`groupOf` reads `g`), by
   * key (it reads `k`), or all in one (`null`, group 0). Every row weighs its count `n`.
   */
  private tally<G extends string | number>(facts: Facts, groupOf: ((g: number, k: Key) => G) | null): Map<G | 0, Tally> {
    const groups = new Map<G | 0, Tally>();
    const by = facts.by;
    const keyOf = (v: unknown): Key => (v === null || v === undefined ? null : by === 'department' || by === 'agent' ? Number(v) : String(v));
    const single = new Tally();
    if (!groupOf) groups.set(0, single);
    const of = (r: Row): Tally => {
      if (!groupOf) return single;
      const g = groupOf(Number(r.g ?? 0), by ? keyOf(r.k) : null);
      let t = groups.get(g);
      if (!t) groups.set(g, (t = new Tally()));
      return t;
    };
    const targets = facts.targets;
    const targeted = (r: Row, metric: 'fr' | 'res', breached: boolean) => breached || (r.p !== null && r.p !== undefined && (targets.get(Number(r.p))?.[metric] ?? false));
    for (const r of facts.created) of(r).created += Number(r.n);
    for (const r of facts.responded) {
      const t = of(r);
      const n = Number(r.n);
      const breached = Number(r.b) === 1;
      if (r.m !== null && r.m !== undefined) addToHistogram(t.fr, Number(r.m), n);
      if (targeted(r, 'fr', breached)) { t.frTargets += n; if (!breached) t.frMet += n; }
    }
    for (const r of facts.solved) {
      const t = of(r);
      const n = Number(r.n);
      const breached = Number(r.b) === 1;
      t.solved += n;
      if (r.m !== null && r.m !== undefined) addToHistogram(t.res, Number(r.m), n);
      if (targeted(r, 'res', breached)) { t.resTargets += n; if (!breached) t.resMet += n; }
      if (Number(r.r) === 1) t.reopened += n;
      if (Number(r.c) === 1) { t.complaints += n; if (!breached) t.complaintsOnTime += n; }
    }
    for (const r of facts.surveys) {
      const t = of(r);
      const n = Number(r.n);
      t.sent += n;
      if (r.st === 'answered' && r.rt !== null && r.rt !== undefined) { t.answered += n; t.ratingSum += Number(r.rt) * n; }
    }
    for (const r of facts.backlog) of(r).backlog += Number(r.n);
    return groups;
  }

  /** Display labels of breakdown keys: department and agent names, category labels; other keys are their own label. */
  private async labels(by: Dimension, keys: Key[], lang: LabelLanguage): Promise<Map<string, { label: string; zh?: string; en?: string }>> {
    const out = new Map<string, { label: string; zh?: string; en?: string }>();
    const ids = keys.filter((k): k is number => typeof k === 'number');
    if (by === 'department' && ids.length) {
      for (const d of await this.o.db.read((m) => m.createQueryBuilder(Department, 'd').select(['d.id', 'd.name']).where('d.id IN (:...ids)', { ids }).getMany())) {
        out.set(keyText(d.id), { label: d.name });
      }
    } else if (by === 'agent' && ids.length) {
      for (const a of await this.o.db.read((m) => m.createQueryBuilder(Agent, 'a').select(['a.id', 'a.name']).where('a.id IN (:...ids)', { ids }).getMany())) {
        out.set(keyText(a.id), { label: a.name });
      }
    } else if (by === 'category') {
      for (const c of await this.o.db.read((m) => m.find(TriageCategory))) {
        out.set(keyText(c.key), { label: lang === 'en' ? c.labelEn : c.labelZh, zh: c.labelZh, en: c.labelEn });
      }
    }
    return out;
  }

  /** A read on both engines with `?` placeholders; on MySQL each runs on its own pooled connection, so they overlap. */
  private rows(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    return this.o.db.read((m) => (this.o.db.engine === 'mysql'
      ? m.query(sql, params) as Promise<Array<Record<string, unknown>>>
      : sqlSession(m, 'sqlite').rows<Record<string, unknown>>(sql, params)));
  }
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

function keyText(k: Key): string {
  return k === null ? 'null' : typeof k === 'number' ? `#${k}` : `=${k}`;
}

function period(s: ReportScope): Period {
  return { from: s.from.toISOString(), to: s.to.toISOString(), tz: s.tz };
}
