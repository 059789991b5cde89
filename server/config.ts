import path from 'node:path';
import { Ajv } from 'ajv';
import { ConfigError } from './errors.js';
import { DEFAULT_SURVEY_SETTINGS, type SurveySettings } from './surveys/survey-settings.js';
import { DEFAULT_DIGEST_SCHEDULE, DIGEST_SCHEDULE_PATTERN, parseDigestSchedule, type DigestSchedule } from './suggestions/digest.js';

/** Everything the process reads from its environment, validated once at boot. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  adminEmail: string | null;
  adminPassword: string | null;
  demo: boolean;
  masterKey: string | null;
  masterKeyFile: string | null;
  /** Old master keys that still unwrap during a rotation. */
  previousMasterKeys: string[];
  tokenTtlMinutes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  deliveryPollMs: number;
  /** Pause between two polls of each IMAP mailbox. */
  imapPollMs: number;
  /** Exact origins (scheme://host[:port]) browsers may call /api from; empty: no cross-origin access. */
  corsOrigins: string[];
  /** Requests per minute and client IP to each public (token-less) endpoint. */
  publicRatePerMinute: number;
  /** Redis for counters shared by every process (rate limits, login throttle); null: per process. */
  redisUrl: string | null;
  /** Erase members with no activity for this many months; 0 = keep forever. */
  retentionMonths: number;
  /** Treat member names as PII: masked unless revealed. */
  maskNames: boolean;
  /** Outgoing mail: smtp(s)://user:pass@host:port; null disables the email channel's sending. */
  smtpUrl: string | null;
  emailFrom: string | null;
  /** Inbound SMTP receiver (server/email/smtp-receiver.ts): where it listens; null = off. */
  smtpListen: { host: string; port: number } | null;
  /** Where attachments and raw failed mail go: the data directory or the database. */
  fileStore: 'dir' | 'db';
  /** Base URL of this installation in links sent to staff (alert emails, Slack). */
  publicUrl: string;
  /** Slack app for SLA alerts: bot token and signing secret (interactivity at /slack/events); null: no Slack. */
  slack: { token: string; signingSecret: string; apiUrl: string | null } | null;
  /** Web chat widget: the secret member sites sign member ids with (HMAC-SHA256); null: every visitor is anonymous. */
  webchatSecret: string | null;
  /** Web chat widget: exact origins of the pages that may embed it; empty: any page. */
  webchatOrigins: string[];
  /** Web chat messages one visitor may send per minute. */
  webchatRatePerMinute: number;
  /** Web chat messages per minute from one client address, all its visitors together. */
  webchatIpRatePerMinute: number;
  /** Base URL of WeChat's API for Official Accounts (access token, customer-service messages); a local fake in tests. */
  wechatApiUrl: string;
  /** WeChat personal-account bot (wechaty): the puppet package; null = no bot. */
  wechatyPuppet: string | null;
  /** Token of a wechaty puppet service (wechaty-puppet-service and compatible gateways). */
  wechatyPuppetServiceToken: string | null;
  /** Session name: the login is kept in `<name>.memory-card.json` in the working directory. */
  wechatyName: string | null;
  /** Group chats (room ids) whose messages become tickets; every other group is ignored. */
  wechatyGroupIds: string[];
  /** Satisfaction surveys (docs/surveys.md). */
  surveys: SurveySettings;
  /** The weekly suggestions digest (MEMBERDESK_SUGGESTION_DIGEST, `mon 09:00 [zone]` or `off`); null: off. */
  suggestionDigest: DigestSchedule | null;
}

/** One origin, spaces around it allowed: scheme and host (and port), no path, no trailing slash. */
const ORIGIN = '\\s*https?://[^\\s,/]+\\s*';

const envSchema = {
  type: 'object',
  properties: {
    PORT: { type: 'string', pattern: '^[0-9]{1,5}$' },
    HOST: { type: 'string', minLength: 1 },
    DATABASE_URL: { type: 'string', pattern: '^(mysql|mariadb)://' },
    MEMBERDESK_DATA_DIR: { type: 'string', minLength: 1 },
    MEMBERDESK_ADMIN_EMAIL: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
    MEMBERDESK_ADMIN_PASSWORD: { type: 'string', minLength: 8 },
    MEMBERDESK_DEMO: { type: 'string', enum: ['0', '1', 'true', 'false'] },
    MEMBERDESK_MASTER_KEY: { type: 'string', pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$' },
    MEMBERDESK_MASTER_KEY_FILE: { type: 'string', minLength: 1 },
    MEMBERDESK_WEBCHAT_SECRET: { type: 'string', minLength: 16 },
    MEMBERDESK_WEBCHAT_ORIGINS: { type: 'string', pattern: `^${ORIGIN}(,${ORIGIN})*$` },
    MEMBERDESK_WEBCHAT_RATE_PER_MINUTE: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' },
    MEMBERDESK_WEBCHAT_IP_RATE_PER_MINUTE: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' },
    MEMBERDESK_PREVIOUS_MASTER_KEYS: { type: 'string', pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)(,([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=))*$' },
    MEMBERDESK_TOKEN_TTL_MINUTES: { type: 'string', pattern: '^[0-9]{1,6}$' },
    MEMBERDESK_DELIVERY_POLL_MS: { type: 'string', pattern: '^[0-9]{2,6}$' },
    MEMBERDESK_IMAP_POLL_MS: { type: 'string', pattern: '^[1-9][0-9]{1,6}$' },
    MEMBERDESK_RETENTION_MONTHS: { type: 'string', pattern: '^[0-9]{1,3}$' },
    MEMBERDESK_MASK_NAMES: { type: 'string', enum: ['0', '1', 'true', 'false'] },
    MEMBERDESK_SMTP_URL: { type: 'string', pattern: '^smtps?://' },
    MEMBERDESK_EMAIL_FROM: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
    // Inbound SMTP: `2525` (all interfaces), `127.0.0.1:2525` or `[::1]:2525`.
    MEMBERDESK_SMTP_LISTEN: { type: 'string', pattern: '^(([^\\s:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\]):)?[0-9]{1,5}$' },
    MEMBERDESK_PUBLIC_URL: { type: 'string', pattern: '^https?://[^\\s]+$' },
    MEMBERDESK_SLACK_BOT_TOKEN: { type: 'string', pattern: '^xox[bp]-[A-Za-z0-9-]+$' },
    MEMBERDESK_SLACK_SIGNING_SECRET: { type: 'string', pattern: '^[0-9a-f]{16,128}$' },
    MEMBERDESK_SLACK_API_URL: { type: 'string', pattern: '^https?://[^\\s]+/$' },
    MEMBERDESK_WECHAT_API_URL: { type: 'string', pattern: '^https?://[^\\s]+$' },
    MEMBERDESK_FILE_STORE: { type: 'string', enum: ['dir', 'db'] },
    LOG_LEVEL: { type: 'string', enum: ['debug', 'info', 'warn', 'error', 'silent'] },
    MEMBERDESK_CORS_ORIGINS: { type: 'string', pattern: `^${ORIGIN}(,${ORIGIN})*$` },
    MEMBERDESK_PUBLIC_RATE_PER_MINUTE: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://' },
    WECHATY_PUPPET: { type: 'string', pattern: '^[@a-zA-Z0-9][\\w./@-]*$' },
    WECHATY_PUPPET_SERVICE_TOKEN: { type: 'string', minLength: 8 },
    WECHATY_NAME: { type: 'string', pattern: '^[\\w.-]{1,64}$' },
    WECHATY_GROUP_IDS: { type: 'string', pattern: '^\\s*[^\\s,]+\\s*(,\\s*[^\\s,]+\\s*)*$' },
    MEMBERDESK_SUGGESTION_DIGEST: { type: 'string', pattern: DIGEST_SCHEDULE_PATTERN },
    MEMBERDESK_SURVEY_DELAY_MINUTES: { type: 'string', pattern: '^[0-9]{1,5}$' },
    MEMBERDESK_SURVEY_EXPIRY_DAYS: { type: 'string', pattern: '^([1-9]|[1-8][0-9]|90)$' },
    MEMBERDESK_SURVEY_REMINDER_HOURS: { type: 'string', pattern: '^[0-9]{1,4}$' },
    MEMBERDESK_SURVEY_LOW_RATING: { type: 'string', enum: ['0', '1', '2', '3', '4'] },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(envSchema);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset": shells and compose files often export VAR= .
  const present: Record<string, string> = {};
  for (const key of Object.keys(envSchema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') present[key] = v;
  }
  if (!validate(present)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'env'}: ${e.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, problems);
  }
  const dataDir = path.resolve(present.MEMBERDESK_DATA_DIR ?? './data');
  return {
    port: Number(present.PORT ?? 3000),
    host: present.HOST ?? '0.0.0.0',
    databaseUrl: present.DATABASE_URL ?? null,
    dataDir,
    adminEmail: present.MEMBERDESK_ADMIN_EMAIL?.toLowerCase() ?? null,
    adminPassword: present.MEMBERDESK_ADMIN_PASSWORD ?? null,
    demo: !['0', 'false'].includes(present.MEMBERDESK_DEMO ?? '1'),
    masterKey: present.MEMBERDESK_MASTER_KEY ?? null,
    masterKeyFile: present.MEMBERDESK_MASTER_KEY_FILE ?? null,
    previousMasterKeys: present.MEMBERDESK_PREVIOUS_MASTER_KEYS?.split(',') ?? [],
    tokenTtlMinutes: Number(present.MEMBERDESK_TOKEN_TTL_MINUTES ?? 12 * 60),
    logLevel: (present.LOG_LEVEL as Config['logLevel']) ?? 'info',
    deliveryPollMs: Number(present.MEMBERDESK_DELIVERY_POLL_MS ?? 1000),
    imapPollMs: Number(present.MEMBERDESK_IMAP_POLL_MS ?? 30_000),
    // Browsers send origins in lower case.
    corsOrigins: present.MEMBERDESK_CORS_ORIGINS?.split(',').map((o) => o.trim().toLowerCase()) ?? [],
    publicRatePerMinute: Number(present.MEMBERDESK_PUBLIC_RATE_PER_MINUTE ?? 120),
    redisUrl: present.REDIS_URL ?? null,
    retentionMonths: Number(present.MEMBERDESK_RETENTION_MONTHS ?? 0),
    maskNames: ['1', 'true'].includes(present.MEMBERDESK_MASK_NAMES ?? '0'),
    smtpUrl: checkSmtpUrl(present.MEMBERDESK_SMTP_URL),
    emailFrom: present.MEMBERDESK_EMAIL_FROM?.toLowerCase() ?? null,
    smtpListen: parseListen(present.MEMBERDESK_SMTP_LISTEN),
    publicUrl: (present.MEMBERDESK_PUBLIC_URL ?? `http://localhost:${present.PORT ?? 3000}`).replace(/\/+$/, ''),
    slack: present.MEMBERDESK_SLACK_BOT_TOKEN && present.MEMBERDESK_SLACK_SIGNING_SECRET
      ? { token: present.MEMBERDESK_SLACK_BOT_TOKEN, signingSecret: present.MEMBERDESK_SLACK_SIGNING_SECRET, apiUrl: present.MEMBERDESK_SLACK_API_URL ?? null }
      : null,
    webchatSecret: present.MEMBERDESK_WEBCHAT_SECRET ?? null,
    webchatOrigins: present.MEMBERDESK_WEBCHAT_ORIGINS?.split(',').map((o) => o.trim().toLowerCase()) ?? [],
    webchatRatePerMinute: Number(present.MEMBERDESK_WEBCHAT_RATE_PER_MINUTE ?? 20),
    webchatIpRatePerMinute: Number(present.MEMBERDESK_WEBCHAT_IP_RATE_PER_MINUTE ?? 60),
    wechatApiUrl: (present.MEMBERDESK_WECHAT_API_URL ?? 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    fileStore: (present.MEMBERDESK_FILE_STORE as Config['fileStore'] | undefined) ?? 'dir',
    wechatyPuppet: present.WECHATY_PUPPET ?? null,
    wechatyPuppetServiceToken: present.WECHATY_PUPPET_SERVICE_TOKEN ?? null,
    wechatyName: present.WECHATY_NAME ?? null,
    wechatyGroupIds: present.WECHATY_GROUP_IDS?.split(',').map((g) => g.trim()) ?? [],
    suggestionDigest: suggestionDigest(present.MEMBERDESK_SUGGESTION_DIGEST),
    surveys: {
      delayMinutes: Number(present.MEMBERDESK_SURVEY_DELAY_MINUTES ?? DEFAULT_SURVEY_SETTINGS.delayMinutes),
      expiryDays: Number(present.MEMBERDESK_SURVEY_EXPIRY_DAYS ?? DEFAULT_SURVEY_SETTINGS.expiryDays),
      reminderHours: Number(present.MEMBERDESK_SURVEY_REMINDER_HOURS ?? DEFAULT_SURVEY_SETTINGS.reminderHours),
      lowRatingMax: Number(present.MEMBERDESK_SURVEY_LOW_RATING ?? DEFAULT_SURVEY_SETTINGS.lowRatingMax),
    },
  };
}

/** `mon 09:00`, `fri 17:30 Europe/London` or `off` (the form already matched by the schema); the zone must exist. */
function suggestionDigest(value: string | undefined): DigestSchedule | null {
  if (value === undefined) return DEFAULT_DIGEST_SCHEDULE;
  const parsed = parseDigestSchedule(value);
  if (parsed === undefined) invalid(`MEMBERDESK_SUGGESTION_DIGEST: unknown time zone in "${value}"`);
  return parsed ?? null;
}

/** `port`, `host:port` or `[ipv6]:port` (already matched by the schema) → where to listen; a bare port means all interfaces. */
function parseListen(value: string | undefined): Config['smtpListen'] {
  if (value === undefined) return null;
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (port > 65535) invalid('MEMBERDESK_SMTP_LISTEN: port must be 0-65535');
  const host = at < 0 ? '0.0.0.0' : value.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/**
 * smtp(s)://[user[:password]@]host[:port] (the scheme already matched by the schema), parsed now so
 * that a bad value stops loadConfig with its name, not the runtime with "Invalid URL". The value
 * holds a password: no message repeats it.
 */
function checkSmtpUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    const port = /^smtps?:\/\/(?:[^@/?#]*@)?(?:\[[^\]/]*\]|[^:/?#]*):(\d+)(?:[/?#]|$)/.exec(value)?.[1];
    invalid(port !== undefined && Number(port) > 65535
      ? 'MEMBERDESK_SMTP_URL: port must be 1-65535'
      : 'MEMBERDESK_SMTP_URL: not a valid URL (smtp://user:password@host:port, with special characters in user and password %-encoded)');
  }
  if (!url.hostname) invalid('MEMBERDESK_SMTP_URL: no host');
  if (url.port === '0') invalid('MEMBERDESK_SMTP_URL: port must be 1-65535');
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    invalid('MEMBERDESK_SMTP_URL: user or password has a broken %-escape');
  }
  return value;
}

function invalid(problem: string): never {
  throw new ConfigError(`invalid configuration: ${problem}`, [problem]);
}
