import { Agent, AgentDepartment, AgentStore } from './agent.entity.js';
import { AuditEntry } from './audit-entry.entity.js';
import { PiiGrant } from './pii-grant.entity.js';
import { InboundFailure, Mailbox, TicketParticipant } from './mailbox.entity.js';
import { Delivery } from './delivery.entity.js';
import { Department } from './department.entity.js';
import { Member, MemberIdentity } from './member.entity.js';
import { Message } from './message.entity.js';
import { Setting } from './setting.entity.js';
import { FileChunk, FileObject } from './stored-file.entity.js';
import { BusinessCalendarRow, Notification, SlaAlert, SlaPolicy } from './sla.entity.js';
import { TicketEvent } from './ticket-event.entity.js';
import { Ticket, TicketRead } from './ticket.entity.js';
import { TriageCategory, TriageExample, TriageRuleRow } from './triage.entity.js';
import { WechatOfficialAccount } from './wechat.entity.js';
import { WechatBinding } from './wechat-bot.entity.js';
import { Survey } from './survey.entity.js';
import { FollowUp } from './follow-up.entity.js';
import { FollowUpRule } from './follow-up-rule.entity.js';
import { DigestRun, MessageTemplate, SuggestionDecision } from './suggestion.entity.js';

export { TriageCategory, TriageExample, TriageRuleRow, BusinessCalendarRow, Notification, SlaAlert, SlaPolicy, FileChunk, FileObject, Agent, AgentDepartment, AgentStore, AuditEntry, InboundFailure, Mailbox, PiiGrant, TicketParticipant, Delivery, Department, Member, MemberIdentity, Message, Setting, Ticket, TicketEvent, TicketRead, WechatOfficialAccount, WechatBinding, Survey, FollowUp, FollowUpRule, DigestRun, MessageTemplate, SuggestionDecision };
export type { Attachment } from './message.entity.js';
export type { EscalationLevel } from './department.entity.js';

export const ENTITIES = [TriageCategory, TriageExample, TriageRuleRow, BusinessCalendarRow, Notification, SlaAlert, SlaPolicy, FileChunk, FileObject, Agent, AgentDepartment, AgentStore, AuditEntry, InboundFailure, Mailbox, PiiGrant, TicketParticipant, Delivery, Department, Member, MemberIdentity, Message, Setting, Ticket, TicketEvent, TicketRead, WechatOfficialAccount, WechatBinding, Survey, FollowUp, FollowUpRule, DigestRun, MessageTemplate, SuggestionDecision];
