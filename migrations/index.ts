import { Init1763900000000 } from './1763900000000-init.js';
import { MemberDataProtection1763990000000 } from './1763990000000-member-data-protection.js';
import { EmailChannel1764000000000 } from './1764000000000-email-channel.js';
import { FileStore1764100000000 } from './1764100000000-file-store.js';
import { Sla1764200000000 } from './1764200000000-sla.js';
import { SlaExistingTickets1764300000000 } from './1764300000000-sla-existing-tickets.js';
import { Triage1764400000000 } from './1764400000000-triage.js';
import { RealtimeConsole1764500000000 } from './1764500000000-realtime-console.js';
import { WechatOfficial1764600000000 } from './1764600000000-wechat-official.js';
import { WechatBot1764610000000 } from './1764610000000-wechat-bot.js';
import { Surveys1764700000000 } from './1764700000000-surveys.js';
import { ReportIndexes1764710000000 } from './1764710000000-report-indexes.js';
import { SuggestionsFollowUpRules1764800000000 } from './1764800000000-suggestions-follow-up-rules.js';

/** Every migration, oldest first. A new migration is added here in the same commit as its entity change. */
export const MIGRATIONS = [Init1763900000000, MemberDataProtection1763990000000, EmailChannel1764000000000, FileStore1764100000000, Sla1764200000000, SlaExistingTickets1764300000000, Triage1764400000000, RealtimeConsole1764500000000, WechatOfficial1764600000000, WechatBot1764610000000, Surveys1764700000000, ReportIndexes1764710000000, SuggestionsFollowUpRules1764800000000];
