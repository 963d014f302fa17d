import type { ChannelName } from './contract';
import type { Transport } from './client';
import { errorShapeSchema } from './errors';

/** The contract over HTTP: `POST {base}/api/call/{channel}` with the input as JSON. */
export function httpTransport(opts: { baseUrl: string; token: string; fetch?: typeof fetch }): Transport {
  const doFetch = opts.fetch ?? fetch;
  return async (channel: ChannelName, input: unknown) => {
    const res = await doFetch(`${opts.baseUrl}/api/call/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
      body: JSON.stringify(input ?? {}),
    });
    const body: unknown = await res.json().catch(() => null);
    if (res.ok) return body;
    const shape = errorShapeSchema.safeParse(body);
    throw shape.success ? shape.data : { code: 'INTERNAL', message: `HTTP ${res.status}` };
  };
}
