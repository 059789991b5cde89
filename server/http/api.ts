import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { STAFF_ROLES, type Principal } from '../agents/principal.js';
import type { Role } from '../domain.js';
import { ForbiddenError, ValidationError } from '../errors.js';

export type JsonSchema = Record<string, unknown>;

export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express path under /api, e.g. /tickets/:id */
  path: string;
  summary: string;
  tag: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** Request content type when the body is not JSON (e.g. text/csv). */
  bodyType?: string;
  /** Roles allowed; absent means agents, supervisors and admins (not analysts). `public` routes need no token. */
  roles?: Role[];
  public?: boolean;
  /** 2xx status of a success; 200 by default. */
  status?: number;
  responseDescription?: string;
}

export interface RouteContext<P = Record<string, never>, Q = Record<string, never>, B = unknown> {
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/** A handler's answer with a status other than the route's usual one. */
export class Reply {
  constructor(readonly status: number, readonly body: unknown) {}
}

/** Every route registered, for the OpenAPI document. */
export const routeSpecs: RouteSpec[] = [];

// Path and query values arrive as strings: coerce them to the schema's types. Bodies are JSON and must match exactly.
const strictAjv = new Ajv({ allErrors: true, useDefaults: true });
const coercingAjv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: 'array' });
addFormats.default(strictAjv);
addFormats.default(coercingAjv);

export interface ApiServices {
  authenticate(req: Request): Promise<Principal>;
}

/**
 * Declares a route: its schemas validate params, query and body (unknown keys rejected) before the
 * handler runs, and the same schemas describe it in /api/openapi.json.
 */
export function defineRoute<P, Q, B>(
  router: Router, auth: ApiServices, spec: RouteSpec,
  handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown> | unknown,
  ...before: RequestHandler[]
): void {
  // Several apps in one process (tests) declare the same routes: keep one entry per method and path.
  const same = routeSpecs.findIndex((r) => r.method === spec.method && r.path === spec.path);
  if (same >= 0) routeSpecs[same] = spec;
  else routeSpecs.push(spec);
  const vParams = spec.params ? coercingAjv.compile(spec.params) : null;
  const vQuery = coercingAjv.compile(spec.query ?? { type: 'object', additionalProperties: false });
  const vBody = spec.body ? strictAjv.compile(spec.body) : null;
  // A body whose fields are all optional may be left out altogether: no body means {}.
  const bodyOptional = spec.body !== undefined && spec.bodyType === undefined && !((spec.body.required as string[] | undefined)?.length) && !spec.body.minProperties;
  // Who is calling is settled before any body is read: an anonymous caller cannot make us parse megabytes.
  const authenticate: RequestHandler = async (req, res, next) => {
    try {
      const principal = spec.public ? PUBLIC : await auth.authenticate(req);
      const allowed = spec.roles ?? STAFF_ROLES;
      if (!spec.public && !allowed.includes(principal.role)) {
        throw new ForbiddenError(principal.role === 'analyst' ? 'analysts see reports and aggregates only' : `this needs the role ${allowed.join(' or ')}`);
      }
      res.locals.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
  router[spec.method](spec.path, authenticate, ...before, jsonBody, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = res.locals.principal as Principal;
      const params = { ...req.params };
      check(vParams, params, 'path');
      const query = { ...(req.query as Record<string, unknown>) };
      check(vQuery, query, 'query');
      let body: unknown = req.body;
      if (body === undefined && bodyOptional && !req.headers['content-type']) body = {};
      if (vBody) {
        if (spec.bodyType === undefined && (body === undefined || (req.body !== undefined && !req.is('application/json')))) {
          throw new ValidationError('send a JSON body with Content-Type: application/json', [{ field: 'body', message: 'missing JSON body' }], 'INVALID_BODY');
        }
        check(vBody, body, 'body');
      }
      const result = await handler({ principal, params, query, body, req, res } as RouteContext<P, Q, B>);
      if (res.headersSent) return;
      if (result instanceof Reply) res.status(result.status).json(result.body);
      else if (result === undefined) res.status(spec.status ?? 204).end();
      else res.status(spec.status ?? 200).json(result);
    } catch (err) {
      next(err);
    }
  });
}

const PUBLIC: Principal = { agentId: 0, role: 'agent', departmentIds: [] };
const jsonBody = express.json({ limit: '2mb' });

function check(validate: ValidateFunction | null, value: unknown, where: 'path' | 'query' | 'body'): void {
  if (!validate || validate(value)) return;
  const details = (validate.errors ?? []).map((e) => describe(e, where));
  throw new ValidationError(`invalid ${where}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
}

function describe(e: ErrorObject, where: string): { field: string; message: string; keyword: string } {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
    : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : '';
  const field = [where === 'body' ? '' : where, base, extra].filter(Boolean).join('.') || where;
  const message = e.keyword === 'additionalProperties' ? 'is not a known field'
    : e.keyword === 'required' ? 'is required'
      : e.keyword === 'enum' ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
        : e.message ?? 'is invalid';
  return { field, message, keyword: e.keyword };
}

// ── schema helpers ──────────────────────────────────────────────────────────

export const obj = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema =>
  ({ type: 'object', properties, required, additionalProperties: false });
export const str = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra });
export const text = (max: number, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max, ...extra });
export const int = (extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', minimum: 1, ...extra });
export const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
export const nullable = (schema: JsonSchema): JsonSchema =>
  ({ ...schema, type: [schema.type as string, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) });
export const idParams = obj({ id: int() }, ['id']);
export const pageQuery = { cursor: str({ maxLength: 500 }), limit: int({ maximum: 100, default: 25 }) };
