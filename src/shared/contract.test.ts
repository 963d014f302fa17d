import { describe, expect, it } from 'vitest';
import { createClient } from './client';
import { CHANNEL_NAMES, contract, isChannelName } from './contract';
import { VigilError } from './errors';
import { httpTransport } from './http-transport';

describe('contract', () => {
  it('names each channel once, as area.action', () => {
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
    for (const name of CHANNEL_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(contract[name].summary.length).toBeGreaterThan(0);
    }
    expect(CHANNEL_NAMES).toEqual(expect.arrayContaining(['app.health', 'engine.info', 'image.inspect']));
  });

  it('recognises only its own channel names', () => {
    expect(isChannelName('app.health')).toBe(true);
    for (const name of ['__proto__', 'constructor', 'toString', 'app', 'APP.HEALTH', '']) {
      expect(isChannelName(name)).toBe(false);
    }
  });

  it('validates inputs strictly', () => {
    expect(contract['app.health'].input.safeParse({}).success).toBe(true);
    expect(contract['app.health'].input.safeParse({ extra: 1 }).success).toBe(false);
    expect(contract['image.inspect'].input.safeParse({ source: { path: '/a.jpg' } }).success).toBe(true);
    expect(contract['image.inspect'].input.safeParse({ source: { path: '/a.jpg' }, x: 1 }).success).toBe(
      false,
    );
    expect(contract['image.inspect'].input.safeParse({}).success).toBe(false);
  });
});

describe('client over HTTP', () => {
  type Call = { url: string; init: RequestInit };

  function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
    return (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
    }) as typeof fetch;
  }

  it('posts the input with the bearer token and returns the body', async () => {
    const calls: Call[] = [];
    const client = createClient(
      httpTransport({
        baseUrl: 'http://127.0.0.1:1234',
        token: 't0k',
        fetch: fakeFetch(200, { status: 'ok', version: '1' }, calls),
      }),
    );
    expect(await client.invoke('app.health', {})).toEqual({ status: 'ok', version: '1' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://127.0.0.1:1234/api/call/app.health');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer t0k');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({});
  });

  it('rethrows an error body as a VigilError with its code', async () => {
    const client = createClient(
      httpTransport({
        baseUrl: 'http://x',
        token: 't',
        fetch: fakeFetch(422, { code: 'NOT_AN_IMAGE', message: 'no' }),
      }),
    );
    const err = await client.invoke('image.inspect', { source: { path: '/a' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('NOT_AN_IMAGE');
    expect((err as VigilError).message).toBe('no');
  });

  it('turns a non-JSON failure into INTERNAL with the HTTP status', async () => {
    const client = createClient(
      httpTransport({ baseUrl: 'http://x', token: 't', fetch: fakeFetch(502, '<html>bad gateway</html>') }),
    );
    const err = await client.invoke('app.health', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('INTERNAL');
    expect((err as VigilError).message).toBe('HTTP 502');
  });

  it('says CORE_UNREACHABLE when the server does not answer at all', async () => {
    const refused = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const client = createClient(httpTransport({ baseUrl: 'http://127.0.0.1:9', token: 't', fetch: refused }));
    const err = await client.invoke('app.health', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('CORE_UNREACHABLE');
    expect((err as VigilError).message).toBe(
      'No answer from Vigil at http://127.0.0.1:9 (Failed to fetch). Is it still running?',
    );
  });

  it('turns a transport failure into INTERNAL', async () => {
    const client = createClient(async () => {
      throw new TypeError('fetch failed');
    });
    const err = await client.invoke('app.health', {}).catch((e: unknown) => e);
    expect((err as VigilError).code).toBe('INTERNAL');
  });
});
