import { z } from 'zod';
import { CHANNEL_NAMES, contract } from '../shared/contract';
import { errorShapeSchema } from '../shared/errors';

/** OpenAPI 3.1 for the contract over HTTP, generated from the same zod schemas the server validates with. */
export function openApiDocument(version: string) {
  const json = (schema: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  const error = {
    description: 'Error',
    content: { 'application/json': { schema: json(errorShapeSchema, 'output') } },
  };
  const paths: Record<string, unknown> = {
    '/api/health': {
      get: {
        summary: 'Health check (no token needed).',
        security: [],
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics (text format).', responses: { '200': { description: 'Metrics' } } },
    },
  };
  for (const name of CHANNEL_NAMES) {
    const def = contract[name];
    paths[`/api/call/${name}`] = {
      post: {
        operationId: name,
        summary: def.summary,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: json(def.input, 'input') } },
        },
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: json(def.output, 'output') } },
          },
          '400': error,
          '401': error,
          '404': error,
          '413': error,
          '422': error,
          '500': error,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil local API',
      version,
      description:
        'The contract of the Vigil desktop app over HTTP on 127.0.0.1. Every call needs `Authorization: Bearer <token>` except /api/health.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
