/** Rooms of the /chat namespace (rooms are per namespace: `ticket:<id>` here is not the agents' room of that name). */

/** Every widget of one member (all their tabs and devices): agent replies go here. */
export const visitorRoom = (memberId: number): string => `visitor:${memberId}`;

/** Widgets showing a ticket: an agent's typing indicator goes here. */
export const ticketRoom = (ticketId: number): string => `ticket:${ticketId}`;

/** Namespace of the widget's socket; the agents' console has its own (`/agents`). */
export const CHAT_NAMESPACE = '/chat';
