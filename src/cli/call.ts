import type { ChannelInput, ChannelName, ChannelOutput } from '../shared/contract';
import type { Core } from '../main/core/core';
import { CliFailure } from './output';

/** A contract call from the CLI: the value, or a CliFailure carrying the error shape. */
export async function call<C extends ChannelName>(
  core: Pick<Core, 'call'>,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const r = await core.call(channel, input);
  if (!r.ok) throw new CliFailure(r.error);
  return r.value as ChannelOutput<C>;
}
