import { routeSpecs, type JsonSchema } from './api.js';

const errorBody: JsonSchema = {
  type: 'object', required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
};

/** OpenAPI 3.1 generated from the very schemas the routes validate with. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routeSpecs) {
    const path = '/api' + r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...props(r.params).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...props(r.query).map(([name, schema]) => ({ name, in: 'query', required: ((r.query?.required as string[]) ?? []).includes(name), schema })),
    ];
    const op: Record<string, unknown> = {
      summary: r.summary, tags: [r.tag], parameters,
      responses: {
        [String(r.status ?? 200)]: { description: r.responseDescription ?? 'success' },
        '400': { description: 'invalid input', content: { 'application/json': { schema: errorBody } } },
        ...(r.public ? {} : { '401': { description: 'missing or invalid token', content: { 'application/json': { schema: errorBody } } } }),
        ...(r.roles ? { '403': { description: `needs role ${r.roles.join(' or ')}`, content: { 'application/json': { schema: errorBody } } } } : {}),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { [r.bodyType ?? 'application/json']: { schema: r.body } } };
    if (!r.public) op.security = [{ bearer: [] }];
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'MemberDesk API', version, description: 'Omnichannel customer-service ticketing. Errors are {"error":{"code","message","details"}}.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorBody } },
    paths,
  };
}

function props(schema: JsonSchema | undefined): Array<[string, JsonSchema]> {
  return Object.entries((schema?.properties as Record<string, JsonSchema> | undefined) ?? {});
}
