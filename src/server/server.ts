import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import secureJson from 'secure-json-parse';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Core } from '../main/core/core';
import { httpStatusOf } from '../main/core/dispatch';
import { VigilError, type ErrorShape } from '../shared/errors';
import { bearerOf, cookieOf, newToken, pageCookieName, queryTokenOf, tokenMatches } from './token';
import { isChannelName } from '../shared/contract';
import { VERSION } from '../main/core/version';
import { ServerMetrics } from './metrics';
import { openApiDocument } from './openapi';

export interface ServerOptions {
  core: Core;
  host?: string;
  port?: number;
  token?: string;
  /** Built renderer (out/renderer); the API works without it. */
  rendererDir?: string;
  /** Largest request body; images travel base64 inside JSON. */
  bodyLimit?: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** The page URL with the token, for a browser. */
  pageUrl: string;
  token: string;
  close(): Promise<void>;
}

export const LOOPBACK = '127.0.0.1';
export const MEDIA_PREFIX = '/media/';

/** Routes that take only the bearer token; every other route is a page or media. */
const API_ROUTES = new Set(['/api/health', '/api/openapi.json', '/metrics', '/api/call/:channel']);

const isLoopback = (host: string) => /^127\./.test(host) || host === 'localhost' || host === '::1';
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** `127.0.0.1:7000` → `127.0.0.1`, `[::1]:7000` → `[::1]`. */
const hostnameOf = (header: string | undefined) => (header ?? '').replace(/:\d+$/, '').toLowerCase();

function sendError(reply: import('fastify').FastifyReply, shape: ErrorShape) {
  return reply.code(httpStatusOf(shape.code)).type('application/json').send(shape);
}

/** 415, the status for a body that is not JSON; the code stays BAD_INPUT, which scripts switch on. */
function sendNotJson(reply: import('fastify').FastifyReply) {
  return reply
    .code(415)
    .type('application/json')
    .send({ code: 'BAD_INPUT', message: 'Content-Type must be application/json' } satisfies ErrorShape);
}

/**
 * Errors Node's HTTP parser raises before Fastify routes anything (headers too large, a request
 * that arrives too slowly, a malformed request line), answered in the contract's error shape
 * instead of Fastify's own `{ error, statusCode }` body.
 */
export function clientErrorResponse(err: { code?: string }): string {
  const [status, shape]: [number, ErrorShape] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, { code: 'BAD_INPUT', message: 'Request headers are too large' }]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, { code: 'BAD_INPUT', message: 'The request did not arrive in time' }]
        : [400, { code: 'BAD_INPUT', message: 'Malformed HTTP request' }];
  const body = JSON.stringify(shape);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * A request body as JSON, refusing `__proto__` and `constructor.prototype` keys (secure-json-parse,
 * as Fastify does): no call takes one, and a later merge of the object could change prototypes.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new VigilError('BAD_INPUT', 'Body is empty; send a JSON value');
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new VigilError(
      'BAD_INPUT',
      /forbidden prototype/.test(why)
        ? 'Body has a __proto__ or constructor.prototype key, which no call takes'
        : `Body is not valid JSON: ${why}`,
    );
  }
}

/** The contract over HTTP on loopback with a token; the built renderer and media beside it. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? LOOPBACK;
  const token = opts.token ?? newToken();
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  if (!isLoopback(host))
    log(`warning: listening on ${host}: other machines can reach Vigil's API (token still required)`);

  // A request must arrive whole within 2 minutes (Fastify waits for ever by default).
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 96 * 1024 * 1024,
    logger: false,
    requestTimeout: 120_000,
    // A URL the router cannot read (bad percent-encoding) answers in the contract's error shape.
    frameworkErrors: (err, _req, reply) => sendError(reply, { code: 'BAD_INPUT', message: err.message }),
    clientErrorHandler: (err, socket) => {
      if ((err as { code?: string }).code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(err as { code?: string }));
      socket.destroy(err);
    },
  });
  // Fastify's own JSON parser says only "Body is not valid JSON", also for a `__proto__` key.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const metrics = new ServerMetrics();
  opts.core.engine.onTiming((ms) => metrics.inference.observe({ pipeline: 'face' }, ms / 1000));
  opts.core.store.history.onFinish((rec) => metrics.jobs.inc({ kind: rec.kind, status: rec.status }));

  // Only the origin services' health check answers without the token.
  app.get('/api/health', async () => ({ status: 'ok' }));

  // Pages and media (what <img> and the page's own loads fetch, which carry no header) may use
  // the page cookie or, to open the app, ?token=; the API and metrics take only the bearer token.
  const pageToken = newToken();
  app.addHook('onRequest', async (req, reply) => {
    // On loopback, a page of another site whose name was pointed at 127.0.0.1 (DNS rebinding)
    // sends its own name as Host: answer only to the loopback names.
    const asked = hostnameOf(req.headers.host);
    if (isLoopback(host) && !LOOPBACK_NAMES.has(asked) && asked !== host) {
      return sendError(reply, { code: 'BAD_INPUT', message: 'Unexpected Host header' });
    }
    // By the route matched, not the raw URL: the router decodes it, so `/%6detrics` is /metrics.
    const route = req.routeOptions.url;
    if (route === '/api/health') return;
    const cookie = pageCookieName(req.socket.localPort ?? 0);
    const page =
      (req.method === 'GET' || req.method === 'HEAD') && route !== undefined && !API_ROUTES.has(route);
    const bearer = tokenMatches(token, bearerOf(req.headers));
    const viaUrl = page && tokenMatches(token, queryTokenOf(req.query));
    if (!bearer && !viaUrl && !(page && tokenMatches(pageToken, cookieOf(req.headers, cookie)))) {
      return sendError(reply, { code: 'UNAUTHORIZED', message: 'Missing or wrong token' });
    }
    if (viaUrl) {
      reply.header('set-cookie', `${cookie}=${pageToken}; HttpOnly; SameSite=Strict; Path=/`);
    }
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-resource-policy', 'same-origin');
    // No page of another port of this host may frame the app (a meta CSP cannot say this).
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', "frame-ancestors 'none'");
  });

  app.setNotFoundHandler((_req, reply) => sendError(reply, { code: 'NOT_FOUND', message: 'No such route' }));

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof VigilError) return sendError(reply, err.toShape());
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' });
    }
    // A body type Fastify has no parser for, refused before the route.
    if (e.statusCode === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendNotJson(reply);
    }
    if (e.statusCode && e.statusCode < 500)
      return sendError(reply, { code: 'BAD_INPUT', message: e.message });
    log(`error: ${e.message}`);
    return sendError(reply, { code: 'INTERNAL', message: 'Unexpected internal error' });
  });

  // Channel names only as labels (bounded); anything else counts as 'unknown'.
  app.addHook('onResponse', async (req, reply) => {
    const channel = (req.params as { channel?: string } | undefined)?.channel;
    if (!req.url.startsWith('/api/call/')) return;
    const label = channel && isChannelName(channel) ? channel : 'unknown';
    const status = String(reply.statusCode);
    metrics.requests.inc({ channel: label, status });
    metrics.latency.observe({ channel: label, status }, reply.elapsedTime / 1000);
  });

  app.get('/api/openapi.json', async () => openApiDocument(VERSION));

  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.post<{ Params: { channel: string } }>('/api/call/:channel', async (req, reply) => {
    // Media types are case-insensitive (RFC 9110).
    if (
      !String(req.headers['content-type'] ?? '')
        .toLowerCase()
        .startsWith('application/json')
    ) {
      return sendNotJson(reply);
    }
    const result = await opts.core.call(req.params.channel, req.body);
    // Answers carry names, faces and descriptors: no copy stays in a cache.
    reply.header('cache-control', 'no-store');
    if (!result.ok) return sendError(reply, result.error);
    return reply.type('application/json').send(result.value);
  });

  app.get<{ Params: { '*': string } }>(`${MEDIA_PREFIX}*`, async (req, reply) => {
    try {
      const file = await opts.core.store.media.servedPathOf(req.params['*']);
      const data = await readFile(file).catch(() => {
        throw new VigilError('NOT_FOUND', 'No such media');
      });
      const type = file.endsWith('.png') ? 'image/png' : file.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
      // Faces and photos the user can delete: no copy of them stays in the browser's cache.
      return reply.type(type).header('cache-control', 'no-store').send(data);
    } catch (err) {
      return sendError(
        reply,
        err instanceof VigilError ? err.toShape() : { code: 'NOT_FOUND', message: 'No such media' },
      );
    }
  });

  const rendererDir = opts.rendererDir;
  if (rendererDir && existsSync(join(rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: rendererDir, prefix: '/', index: ['index.html'] });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('Vigil API is running. The renderer is not built: run `npm run build`.'),
    );
  }

  await app.listen({ host, port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  return {
    app,
    url,
    pageUrl: `${url}/?token=${encodeURIComponent(token)}`,
    token,
    close: () => app.close(),
  };
}
