import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';

/** What a widget sends (docs/webchat.md); every payload is checked here before a handler sees it. Unknown keys are refused. */
export interface ChatAuth {
  visitorToken?: string;
  member?: { id: string; ts: number | string; sig: string };
  locale?: string;
  timeZone?: string;
}
export interface ChatMessageIn { text: string; clientId: string }
export interface ChatTypingIn { typing: boolean }
export interface ChatPrechatIn { name?: string; email?: string }
export interface ChatTranscriptIn { email?: string }
export interface ChatSurveyIn { surveyId: number; rating: number; comment?: string }

const ajv = new Ajv({ allErrors: true });

const authSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    visitorToken: { type: 'string', maxLength: 100, nullable: true },
    // Checked loosely here: a malformed claim makes an anonymous visitor (and a log line), not a refusal.
    member: {
      type: 'object', nullable: true, additionalProperties: false, required: ['id', 'ts', 'sig'],
      properties: {
        id: { type: 'string', maxLength: 200 },
        ts: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]{1,12}$' }] },
        sig: { type: 'string', maxLength: 200 },
      },
    },
    locale: { type: 'string', maxLength: 35, nullable: true },
    timeZone: { type: 'string', maxLength: 64, nullable: true },
  },
} as const;

const messageSchema: JSONSchemaType<ChatMessageIn> = {
  type: 'object', additionalProperties: false, required: ['text', 'clientId'],
  // The length cap is the gateway's (configurable), checked after this so its message can name the limit.
  properties: { text: { type: 'string', minLength: 1, maxLength: 100_000 }, clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' } },
};

const typingSchema: JSONSchemaType<ChatTypingIn> = {
  type: 'object', additionalProperties: false, required: ['typing'], properties: { typing: { type: 'boolean' } },
};

const prechatSchema: JSONSchemaType<ChatPrechatIn> = {
  type: 'object', additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 120, nullable: true }, email: { type: 'string', maxLength: 254, nullable: true } },
};

const transcriptSchema: JSONSchemaType<ChatTranscriptIn> = {
  type: 'object', additionalProperties: false, properties: { email: { type: 'string', maxLength: 254, nullable: true } },
};

const surveySchema: JSONSchemaType<ChatSurveyIn> = {
  type: 'object', additionalProperties: false, required: ['surveyId', 'rating'],
  properties: {
    surveyId: { type: 'integer', minimum: 1 }, rating: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { type: 'string', maxLength: 2000, nullable: true },
  },
};

export const validateAuth = ajv.compile(authSchema) as ValidateFunction<ChatAuth>;
export const validateMessage = ajv.compile(messageSchema);
export const validateTyping = ajv.compile(typingSchema);
export const validatePrechat = ajv.compile(prechatSchema);
export const validateTranscript = ajv.compile(transcriptSchema);
export const validateSurvey = ajv.compile(surveySchema);

/** "text is required; clientId must match …": for the `message` of a VALIDATION_FAILED answer. */
export function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? []).map((e: ErrorObject) => {
    const field = [e.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
        : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : ''].filter(Boolean).join('.') || 'payload';
    const message = e.keyword === 'additionalProperties' ? 'is not a known field' : e.keyword === 'required' ? 'is required' : e.message ?? 'is invalid';
    return `${field} ${message}`;
  }).join('; ');
}
