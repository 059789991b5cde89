import type { Channel, Tier, TicketType } from '../domain.js';
import type { Distribution } from './report-math.js';
import type { Interval } from './report-period.js';

/** What a breakdown groups by; the ticket's (or, for CSAT, the survey's) attribute of that name. */
export const DIMENSIONS = ['department', 'agent', 'category', 'channel', 'tier', 'type'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const LABEL_LANGUAGES = ['zh-CN', 'en'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];

/** Query parameters every report takes (docs/reports.md). */
export interface ReportParams {
  from?: string;
  to?: string;
  tz?: string;
  departmentId?: number;
  agentId?: number;
  category?: string;
  channel?: Channel;
  tier?: Tier;
  type?: TicketType;
}

export interface Period { from: string; to: string; tz: string }

export interface SlaCompliance { firstResponse: number | null; resolution: number | null }

export interface ReportSummary {
  period: Period;
  created: number;
  solved: number;
  backlog: number;
  /** Whether backlog is the live count (the period ends now or later) or reconstructed at `to`. */
  backlogAsOf: 'now' | 'period_end';
  firstResponseMinutes: Distribution;
  resolutionMinutes: Distribution;
  slaCompliance: SlaCompliance;
  breaches: { firstResponse: number; nextResponse: number; resolution: number };
  escalations: number;
  csat: { average: number | null; responseRate: number | null; responses: number; sent: number };
  resolutionRate: number | null;
  onTimeComplaintRate: number | null;
  reopenRate: number | null;
}

export interface TrendBucket {
  start: string;
  end: string;
  created: number;
  solved: number;
  firstResponseMedian: number | null;
  resolutionMedian: number | null;
  slaCompliance: SlaCompliance;
  csatAverage: number | null;
  csatResponses: number;
}

export interface ReportTrend { period: Period; interval: Interval; buckets: TrendBucket[] }

export interface BreakdownRow {
  /** Department or agent id (null: unassigned), else the category/channel/tier/type value. */
  key: number | string | null;
  label: string | null;
  /** Category rows: both labels from the category list. */
  labelZh?: string;
  labelEn?: string;
  created: number;
  solved: number;
  backlog: number;
  firstResponseMedian: number | null;
  resolutionMedian: number | null;
  slaCompliance: SlaCompliance;
  csatAverage: number | null;
  csatResponses: number;
  reopenRate: number | null;
}

export interface ReportBreakdown { period: Period; by: Dimension; rows: BreakdownRow[] }
