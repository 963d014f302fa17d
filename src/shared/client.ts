import type { ChannelInput, ChannelName, ChannelOutput } from './contract';
import { errorShapeSchema, fromErrorShape, VigilError } from './errors';

/** Moves one call across a boundary; resolves with the raw output or rejects with an ErrorShape. */
export type Transport = (channel: ChannelName, input: unknown) => Promise<unknown>;

export interface VigilClient {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
}

export function createClient(transport: Transport): VigilClient {
  return {
    async invoke(channel, input) {
      try {
        return (await transport(channel, input)) as never;
      } catch (err) {
        if (err instanceof VigilError) throw err;
        const shape = errorShapeSchema.safeParse(err);
        throw shape.success ? fromErrorShape(shape.data) : new VigilError('INTERNAL', String(err));
      }
    },
  };
}

/** IPC wire result: errors are returned, not thrown, because Electron rewrites thrown messages. */
export type IpcResult = { ok: true; value: unknown } | { ok: false; error: unknown };
export const IPC_PREFIX = 'vigil:';
