/**
 * Text into HTML text or a quoted attribute value. Used for member mail and, from server/, for
 * staff alerts and the acknowledge page: subjects come from members and names from admins.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
