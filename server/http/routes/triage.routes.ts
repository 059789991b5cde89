import type { Router } from 'express';
import { CHANNELS, PRESENCES, PRIORITIES, TICKET_TYPES, TIERS, type Channel, type Presence, type Tier, type TicketType } from '../../domain.js';
import { withClocks } from './ticket.routes.js';
import type { Services } from '../../services.js';
import { LANGUAGES, type Language, type RuleActions, type RuleMatch, type UrgencySettings } from '../../triage/engine/types.js';
import type { CategoryInput, ExampleInput, RuleInput } from '../../triage/triage-admin.service.js';
import { defineRoute, idParams, int, nullable, obj, oneOf, str, text, type ApiServices } from '../api.js';

const list = (values: readonly string[], max = 20) => ({ type: 'array', items: oneOf(values), maxItems: max, uniqueItems: true });
const words = (description: string) => ({ type: 'array', items: text(100), maxItems: 500, uniqueItems: true, description });
const CATEGORY_KEY = '^[a-z][a-z0-9_]{1,63}$';
const ruleFields = {
  name: text(120),
  enabled: { type: 'boolean' },
  conditions: obj({
    channels: list(CHANNELS), tiers: list(TIERS), languages: list(LANGUAGES),
    departmentIds: { type: 'array', items: int(), maxItems: 100, uniqueItems: true, description: 'the department the channel pointed at (a mailbox\'s)' },
  }),
  match: obj({
    keywords: words('Chinese (Simplified or Traditional: either matches both) or English (case-insensitive, whole words)'),
    mode: oneOf(['any', 'all']),
    regex: text(500, { description: 'JavaScript regular expression over the normalised text (Simplified, lower-case)' }),
    fields: oneOf(['subject', 'text', 'both']),
  }),
  actions: obj({
    type: oneOf(TICKET_TYPES), category: str({ pattern: CATEGORY_KEY }), priority: oneOf(PRIORITIES),
    tags: { type: 'array', items: text(40), maxItems: 10, uniqueItems: true }, departmentId: int(),
  }),
};
const categoryFields = {
  labelZh: text(120), labelEn: text(120), departmentId: nullable(int({ description: 'where tickets of this category are routed; null: channel or default department' })),
  position: { type: 'integer', minimum: 0, maximum: 1_000_000 }, active: { type: 'boolean' },
};
const urgencyFields = {
  safetyWords: words('safety and health words: the ticket becomes urgent'),
  legalWords: words('legal or media threats: the ticket becomes urgent'),
  repeatContact: obj({ windowDays: { type: 'integer', minimum: 0, maximum: 365 }, threshold: { type: 'integer', minimum: 1, maximum: 100 } }, ['windowDays', 'threshold']),
  tierBoost: obj(Object.fromEntries(TIERS.map((t) => [t, { type: 'integer', minimum: 0, maximum: 3 }]))),
  negativeBoost: { type: 'integer', minimum: 0, maximum: 3 },
};

/** Triage (classification, urgency, rules, categories, the learned model) and the routing knobs agents touch (presence). */
export function triageRoutes(r: Router, auth: ApiServices, s: Services): void {
  const admin = s.triageAdmin;

  defineRoute<Record<string, never>, never, { text: string; subject?: string; channel?: Channel; memberTier?: Tier; departmentId?: number; recentContacts?: number }>(r, auth, {
    method: 'post', path: '/triage/classify', tag: 'triage', roles: ['supervisor', 'admin'],
    body: obj({
      text: text(20_000), subject: str({ maxLength: 255 }), channel: oneOf(CHANNELS), memberTier: oneOf(TIERS), departmentId: int(),
      recentContacts: { type: 'integer', minimum: 0, maximum: 1000, description: 'the member\'s other tickets in the repeat-contact window' },
    }, ['text']),
    summary: 'Classify a text as ingest would (type, category, priority, language, sentiment, tags, route; each with confidence and reasons) without creating anything.',
  }, ({ body }) => s.triage.preview(body));

  defineRoute<{ id: number }, never, { type?: TicketType; category?: string; language?: Language }>(r, auth, {
    method: 'post', path: '/tickets/:id/triage', tag: 'tickets', params: idParams,
    body: { ...obj({ type: oneOf(TICKET_TYPES), category: str({ pattern: CATEGORY_KEY }), language: oneOf(LANGUAGES) }), minProperties: 0 },
    summary: 'Correct (or, with an empty body, confirm) the ticket\'s type, category and language. Triage stops changing them, and the ticket becomes a training example of the classifier.',
  }, async ({ principal, params, body }) => {
    await s.tickets.correctTriage(principal, params.id, body);
    return withClocks(s, await s.queries.get(principal, params.id));
  });

  // ── rules ──
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/triage/rules', tag: 'triage', roles: ['supervisor', 'admin'], summary: 'Triage rules in evaluation order.',
  }, async () => ({ items: await admin.listRules() }));

  defineRoute<Record<string, never>, never, RuleInput & { name: string; match: RuleMatch; actions: RuleActions }>(r, auth, {
    method: 'post', path: '/triage/rules', tag: 'triage', roles: ['admin'], status: 201, body: obj(ruleFields, ['name', 'match', 'actions']),
    summary: 'Add a rule (last in order). It needs keywords or a regex, and at least one action; for each label the first matching rule wins, and rules win over the model.',
  }, ({ body }) => admin.createRule(body));

  defineRoute<Record<string, never>, never, { ids: number[] }>(r, auth, {
    method: 'put', path: '/triage/rules/order', tag: 'triage', roles: ['admin'],
    body: obj({ ids: { type: 'array', items: int(), maxItems: 1000, uniqueItems: true } }, ['ids']),
    summary: 'Reorder the rules: every rule id exactly once, first evaluated first.',
  }, async ({ body }) => ({ items: await admin.orderRules(body.ids) }));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'get', path: '/triage/rules/:id', tag: 'triage', params: idParams, roles: ['supervisor', 'admin'], summary: 'One triage rule.',
  }, ({ params }) => admin.getRule(params.id));

  defineRoute<{ id: number }, never, RuleInput>(r, auth, {
    method: 'patch', path: '/triage/rules/:id', tag: 'triage', params: idParams, roles: ['admin'], body: { ...obj(ruleFields), minProperties: 1 },
    summary: 'Change a rule (disable it with enabled=false).',
  }, ({ params, body }) => admin.updateRule(params.id, body));

  defineRoute<{ id: number }, never, never>(r, auth, {
    method: 'delete', path: '/triage/rules/:id', tag: 'triage', params: idParams, roles: ['admin'], status: 204, summary: 'Delete a rule.',
  }, async ({ params }) => { await admin.deleteRule(params.id); });

  // ── categories ──
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/categories', tag: 'triage', roles: ['agent', 'supervisor', 'admin', 'analyst'],
    summary: 'Ticket categories with their labels (zh-CN, en) and the department each routes to.',
  }, async () => ({ items: await admin.listCategories() }));

  defineRoute<Record<string, never>, never, CategoryInput & { key: string; labelZh: string; labelEn: string }>(r, auth, {
    method: 'post', path: '/categories', tag: 'triage', roles: ['admin'], status: 201,
    body: obj({ key: str({ pattern: CATEGORY_KEY }), ...categoryFields }, ['key', 'labelZh', 'labelEn']),
    summary: 'Add a category.',
  }, ({ body }) => { const { key, ...rest } = body; return admin.createCategory(key, rest); });

  defineRoute<{ key: string }, never, CategoryInput>(r, auth, {
    method: 'patch', path: '/categories/:key', tag: 'triage', roles: ['admin'], params: obj({ key: str({ pattern: CATEGORY_KEY }) }, ['key']),
    body: { ...obj(categoryFields), minProperties: 1 },
    summary: 'Change a category: labels, its department (the category → department map), order, or retire it (active=false: kept on old tickets, no longer predicted).',
  }, ({ params, body }) => admin.updateCategory(params.key, body));

  // ── urgency settings, model ──
  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/triage/settings', tag: 'triage', roles: ['supervisor', 'admin'], summary: 'Urgency signals: word lists, repeat contact, tier and sentiment boosts.',
  }, () => admin.urgency());

  defineRoute<Record<string, never>, never, Partial<UrgencySettings>>(r, auth, {
    method: 'patch', path: '/triage/settings', tag: 'triage', roles: ['admin'], body: { ...obj(urgencyFields), minProperties: 1 },
    summary: 'Change urgency signals (each field replaces its value).',
  }, ({ body }) => admin.setUrgency(body));

  defineRoute<Record<string, never>, never, never>(r, auth, {
    method: 'get', path: '/triage/model', tag: 'triage', roles: ['supervisor', 'admin'],
    summary: 'The learned classifier: examples by source (agent corrections, seed, import) and per label.',
  }, () => admin.modelStats());

  defineRoute<Record<string, never>, never, { examples: ExampleInput[] }>(r, auth, {
    method: 'post', path: '/triage/examples', tag: 'triage', roles: ['admin'], status: 201,
    body: obj({
      examples: {
        type: 'array', minItems: 1, maxItems: 5000,
        items: { ...obj({ text: text(4000), type: oneOf(TICKET_TYPES), category: str({ pattern: CATEGORY_KEY }) }, ['text']), anyOf: [{ required: ['type'] }, { required: ['category'] }] },
      },
    }, ['examples']),
    summary: 'Import labelled texts for the classifier to learn from (all or nothing).',
  }, ({ principal, body }) => admin.importExamples(body.examples, principal.agentId));

  // ── presence ──
  defineRoute<Record<string, never>, never, { presence: Presence }>(r, auth, {
    method: 'put', path: '/agents/me/presence', tag: 'agents', body: obj({ presence: oneOf(PRESENCES) }, ['presence']),
    summary: 'Your presence: online agents receive tickets by round robin / least loaded; going offline hands your unanswered tickets back in departments that ask for it.',
  }, ({ principal, body }) => s.presence.set(principal.agentId, body.presence));
}
