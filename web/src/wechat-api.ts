import { request } from './api';
import type { Items, Member, Page, TicketDetail } from './types';
import { SECRET_MASK, type OfficialAccountInput } from '../../server/wechat/official-account.contract';

/** The WeChat screens' calls (issue 8): the bot's state, Official Accounts, linking a first contact to a member. */

export type BotStatus = 'stopped' | 'starting' | 'scan' | 'logged_in' | 'error';

/** GET /api/channels/wechat/bot. `configured: false`: WECHATY_PUPPET is not set, nothing else is there. */
export interface BotState {
  configured: boolean;
  status: BotStatus;
  /** The login QR code's content while `scan`. */
  qrcode?: string;
  /** The same drawn by the server as an SVG document: shown as an image. */
  qrSvg?: string;
  /** Waiting, Scanned, Confirmed, Timeout… */
  scanStatus?: string;
  user?: { id: string; name: string };
  since?: string;
  lastError?: string;
  puppet?: string;
}

/** A secret as the API shows it: the mask when set, or why it cannot be read (key rotation pending). */
export type SecretView = string | { unreadable: string } | null;

export interface OfficialAccount {
  id: number;
  name: string;
  appId: string;
  appSecret: SecretView;
  token: SecretView;
  encodingAESKey: SecretView;
  departmentId: number;
  active: boolean;
  /** Append to this server's public address: the URL to enter in WeChat's console. */
  callbackPath: string;
  createdAt: string;
  updatedAt: string;
}


export { SECRET_MASK, type OfficialAccountInput };

/** A member as GET /api/members and a ticket's detail give it (contacts masked). */
export type MemberView = Member & { memberNumber?: string | null; createdAt?: string };

export type MemberSearchBy = 'q' | 'phone' | 'email' | 'wechat';

export const wechatApi = {
  bot: () => request<BotState>('GET', '/channels/wechat/bot'),
  logoutBot: () => request<void>('POST', '/channels/wechat/bot/logout'),

  officialAccounts: () => request<Items<OfficialAccount>>('GET', '/channels/wechat/official-accounts'),
  createOfficialAccount: (body: OfficialAccountInput) => request<OfficialAccount>('POST', '/channels/wechat/official-accounts', { body }),
  updateOfficialAccount: (id: number, body: OfficialAccountInput) => request<OfficialAccount>('PATCH', `/channels/wechat/official-accounts/${id}`, { body }),
  deleteOfficialAccount: (id: number) => request<void>('DELETE', `/channels/wechat/official-accounts/${id}`),

  /** `q` searches names; phone, email and wechat find a member by the exact contact. */
  searchMembers: (by: MemberSearchBy, value: string, limit = 20) =>
    request<Page<MemberView>>('GET', '/members', { query: { [by]: value, limit } }),
  linkMember: (ticketId: number, memberId: number) =>
    request<{ tickets: number; memberId: number }>('POST', `/tickets/${ticketId}/link-member`, { body: { memberId } }),
};

/**
 * The ticket's member looks like the record a channel made at first contact (a WeChat contact, a chat visitor,
 * an unknown sender): no member number, no store, no own agent, the standard tier, and a contact of the kind
 * this ticket came through. Moving that contact to the real member is POST /tickets/:id/link-member; the
 * server refuses what it cannot move (SAME_MEMBER, NO_SUCH_CONTACT, CONTACT_EXISTS).
 */
export function isFirstContactRecord(ticket: TicketDetail): boolean {
  const member = ticket.member as MemberView | null;
  if (!member) return false;
  if (member.memberNumber || member.homeStore || member.dedicatedAgentId !== null || member.tier !== 'standard') return false;
  return member.identities.some((i) => i.kind === ticket.channel);
}

/** The search field's likely meaning: an email address, a phone number, else a name. */
export function guessSearchBy(input: string): MemberSearchBy {
  const v = input.trim();
  if (/^[^@\s]+@[^@\s]+$/.test(v)) return 'email';
  if (/^\+?[\d\s()-]{6,}$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 6) return 'phone';
  if (/^wxid_|^wx:|^oa:/i.test(v)) return 'wechat';
  return 'q';
}
