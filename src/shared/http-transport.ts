import type { ChannelName } from './contract';
import type { Transport } from './client';
import { errorShapeSchema, type ErrorShape } from './errors';

/** The contract over HTTP: `POST {base}/api/call/{channel}` with the input as JSON. */
export function httpTransport(opts: { baseUrl: string; token: string; fetch?: typeof fetch }): Transport {
  const doFetch = opts.fetch ?? fetch;
  return async (channel: ChannelName, input: unknown) => {
    let res: Response;
    try {
      res = await doFetch(`${opts.baseUrl}/api/call/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      // No answer at all (fetch rejects only then): say so, not "TypeError: Failed to fetch".
      throw {
        code: 'CORE_UNREACHABLE',
        message: `No answer from Vigil at ${opts.baseUrl} (${err instanceof Error ? err.message : String(err)}). Is it still running?`,
      } satisfies ErrorShape;
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return body;
    const shape = errorShapeSchema.safeParse(body);
    throw shape.success ? shape.data : { code: 'INTERNAL', message: `HTTP ${res.status}` };
  };
}
