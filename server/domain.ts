/** Vocabulary of the ticket model (ARCHITECTURE §3), shared by entities, services and schemas. */
export const TICKET_TYPES = ['complaint', 'suggestion', 'enquiry'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed', 'merged'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const CHANNELS = ['email', 'webchat', 'wechat', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export const IDENTITY_KINDS = ['email', 'phone', 'wechat', 'webchat'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const TIERS = ['standard', 'silver', 'gold', 'diamond'] as const;
export type Tier = (typeof TIERS)[number];

export const ROLES = ['agent', 'supervisor', 'admin', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const VISIBILITIES = ['public', 'internal'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const AUTHOR_TYPES = ['member', 'agent', 'system'] as const;
export type AuthorType = (typeof AUTHOR_TYPES)[number];

export const DELIVERY_STATES = ['pending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DEFAULT_CATEGORY = 'other';

export const PRESENCES = ['online', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export const ASSIGNMENT_STRATEGIES = ['manual', 'round_robin', 'least_loaded'] as const;
export type AssignmentStrategyName = (typeof ASSIGNMENT_STRATEGIES)[number];
