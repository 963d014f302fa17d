import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../shared/contract';
import type { Core } from '../main/core/core';
import { createTestCore, sampleImage, tempDir } from '../main/core/test-support';
import { startServer, type RunningServer } from './server';

let core: Core;
let server: RunningServer;
const logs: string[] = [];

beforeAll(async () => {
  core = await createTestCore(join(tempDir(), 'data'));
  server = await startServer({
    core,
    port: 0,
    token: 'test-token',
    bodyLimit: 64 * 1024,
    log: (l) => logs.push(l),
  });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
});

const auth = { authorization: 'Bearer test-token', 'content-type': 'application/json' };
const post = (channel: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${server.url}/api/call/${channel}`, { method: 'POST', headers, body: JSON.stringify(body) });

describe('local API', () => {
  it('answers the health check without a token, and nothing else', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    for (const path of ['/', '/api/openapi.json', '/metrics', `/media/previews/${'a'.repeat(64)}.jpg`]) {
      const r = await fetch(server.url + path);
      expect(r.status, path).toBe(401);
      expect(await r.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    expect((await post('app.health', {}, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post('app.health', {}, { ...auth, authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('app.health', {}, { ...auth, authorization: 'test-token' })).status).toBe(401);
    expect((await post('app.health', {})).status).toBe(200);
  });

  it('binds to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logs.some((l) => l.includes('warning'))).toBe(false);
  });

  it('rejects schema-invalid bodies with 400 and the error code', async () => {
    const r = await post('image.inspect', { source: { path: '' } });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { code: string };
    expect(body.code).toBe('BAD_INPUT');
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+/);
    const extra = await post('watchlist.create', { name: 'X', admin: true });
    expect(extra.status).toBe(400);
    const notJson = await fetch(`${server.url}/api/call/app.health`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(415);
    expect(await notJson.json()).toMatchObject({ code: 'BAD_INPUT' });
    // A type Fastify has no parser for is refused before the route: the same 415.
    const xml = await fetch(`${server.url}/api/call/app.health`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(xml.status).toBe(415);
    expect(await xml.json()).toMatchObject({ code: 'BAD_INPUT' });
    const unknown = await post('no.such.channel', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses oversized bodies with 413', async () => {
    const r = await post('image.inspect', { source: { name: 'big.jpg', bytes: 'A'.repeat(200 * 1024) } });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('maps image errors to 422', async () => {
    const bytes = Buffer.from('not an image').toString('base64');
    const r = await post('image.inspect', { source: { name: 'notes.jpg', bytes } });
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ code: 'NOT_AN_IMAGE' });
  });

  it('counts requests in /metrics', async () => {
    const read = async () => {
      const text = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('vigil_requests_total{channel="app.health",status="200"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await read();
    await post('app.health', {});
    await post('app.health', {});
    expect(await read()).toBe(before + 2);
    const text = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
    expect(text).toContain('vigil_request_duration_seconds_bucket');
    expect(text).toContain('vigil_process_resident_memory_bytes');
  });

  it('counts inference and jobs in /metrics after an identify', async () => {
    const r = await post('match.identify', { source: { path: sampleImage(2) } });
    expect(r.status).toBe(200);
    const text = await (await fetch(`${server.url}/metrics`, { headers: auth })).text();
    expect(text).toMatch(/vigil_jobs_total\{kind="identify",status="FINISHED"\} 1/);
    expect(text).toMatch(/vigil_inference_duration_seconds_count\{pipeline="face"\} [1-9]/);
  });

  it('publishes an OpenAPI document with every channel', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`, { headers: auth })).json()) as {
      openapi: string;
      paths: Record<
        string,
        {
          post: {
            requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
          };
        }
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const name of CHANNEL_NAMES) expect(Object.keys(doc.paths)).toContain(`/api/call/${name}`);
    const inspect = doc.paths['/api/call/image.inspect']!.post;
    expect(inspect.requestBody.content['application/json']!.schema.properties.source).toBeDefined();
  });

  it('serves media only for well-formed keys', async () => {
    const r = await post('image.inspect', { source: { path: sampleImage(4) } });
    const { previewUrl } = (await r.json()) as { previewUrl: string };
    const ok = await fetch(server.url + previewUrl, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    // Deletable faces and photos: the browser keeps no copy on disk.
    expect(ok.headers.get('cache-control')).toBe('no-store');
    for (const bad of [
      '/media/../faces.jsonl',
      '/media/previews/..%2F..%2Ffaces.jsonl',
      '/media/sources/x.exe',
    ]) {
      expect((await fetch(server.url + bad, { headers: auth })).status, bad).toBe(404);
    }
    // A well-formed key that is a link out of the data folder: not served.
    const linked = `previews/${'b'.repeat(64)}.jpg`;
    symlinkSync('/etc/hostname', join(core.store.dir, 'media', linked));
    expect((await fetch(`${server.url}/media/${linked}`, { headers: auth })).status).toBe(404);
  });

  it('answers a URL it cannot decode in the contract shape', async () => {
    const r = await fetch(`${server.url}/api/call/%E0%A4%A`, { method: 'POST', headers: auth, body: '{}' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('says what is wrong with a body that is not JSON, is empty, or carries a __proto__ key', async () => {
    const raw = (body: string) =>
      fetch(`${server.url}/api/call/app.health`, { method: 'POST', headers: auth, body });
    const bad = await raw('{bad');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^Body is not valid JSON: /),
    });
    const empty = await raw('');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/Body is empty/),
    });
    for (const body of ['{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}']) {
      const r = await raw(body);
      expect(r.status, body).toBe(400);
      expect(await r.json()).toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(/__proto__ or constructor\.prototype key/),
      });
    }
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it('answers headers too large for Node in the contract shape', async () => {
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/api/health`, { headers: { 'x-pad': 'x'.repeat(20_000) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toEqual({ code: 'BAD_INPUT', message: 'Request headers are too large' });
  });

  it('a page load with ?token= sets a page cookie that loads media, never the API token, which it cannot replace', async () => {
    const port = new URL(server.url).port;
    const page = await fetch(`${server.url}/?token=test-token`);
    const setCookie = page.headers.get('set-cookie') ?? '';
    // Browsers send a 127.0.0.1 cookie to every port: the API token must not be in it.
    expect(setCookie).toMatch(
      new RegExp(`^vigil_page_${port}=[\\w-]{32}; HttpOnly; SameSite=Strict; Path=/$`),
    );
    expect(setCookie).not.toContain('test-token');
    const cookie = { cookie: setCookie.split(';')[0]! };
    const r = await post('image.inspect', { source: { path: sampleImage(4) } });
    const { previewUrl } = (await r.json()) as { previewUrl: string };
    expect((await fetch(server.url + previewUrl, { headers: cookie })).status).toBe(200);
    expect((await fetch(`${server.url}/`, { headers: cookie })).status).toBe(200);
    // The API, OpenAPI and metrics take only the bearer token: neither the cookie nor ?token=.
    expect((await post('app.health', {}, { ...cookie, 'content-type': 'application/json' })).status).toBe(
      401,
    );
    // Percent-encoded letters too: the router decodes them, so the token check must see the route.
    for (const path of ['/api/openapi.json', '/metrics', '/%6detrics', '/%61pi/openapi.json']) {
      expect((await fetch(server.url + path, { headers: cookie })).status, path).toBe(401);
      expect((await fetch(`${server.url}${path}?token=test-token`)).status, path).toBe(401);
    }
    // A page opens with HEAD as with GET.
    expect((await fetch(`${server.url}/?token=test-token`, { method: 'HEAD' })).status).toBe(200);
    const viaQuery = await fetch(`${server.url}/api/call/app.health?token=test-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(viaQuery.status).toBe(401);
    expect((await fetch(`${server.url}/metrics?token=test-token`)).status).toBe(401);
    // The scheme is case-insensitive, and so is the media type.
    expect((await post('app.health', {}, { ...auth, authorization: 'bearer test-token' })).status).toBe(200);
    expect((await post('app.health', {}, { ...auth, 'content-type': 'Application/JSON' })).status).toBe(200);
  });

  it('answers only to loopback names in Host (DNS rebinding), and the health check takes a query', async () => {
    const { request } = await import('node:http');
    const hostOf = (hostHeader: string) =>
      new Promise<number>((done, fail) => {
        const req = request(`${server.url}/api/health`, { headers: { host: hostHeader } }, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end();
      });
    const port = new URL(server.url).port;
    expect(await hostOf(`evil.example:${port}`)).toBe(400);
    expect(await hostOf(`127.0.0.1:${port}`)).toBe(200);
    expect(await hostOf(`localhost:${port}`)).toBe(200);
    expect((await fetch(`${server.url}/api/health?probe=1`)).status).toBe(200);
  });

  it('forbids framing and caching of what it answers', async () => {
    const page = await fetch(`${server.url}/?token=test-token`);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    const call = await post('app.health', {});
    expect(call.headers.get('cache-control')).toBe('no-store');
  });
});
