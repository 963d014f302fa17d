import { dispatch } from '../main/core/dispatch';
import { watchlistReadHandlers } from '../main/core/services/watchlist';
import { DESCRIPTOR_MODEL, readWatchlist } from '../main/core/store/store';
import type { ChannelInput, ChannelOutput, Handlers } from '../shared/contract';
import { VigilError } from '../shared/errors';
import { call } from './call';
import { dataDirFor } from './data-folder';
import type { GlobalOpts, WithCore } from './match-commands';
import { fileMediaUrl } from './options';

type ReadChannel = 'watchlist.list' | 'watchlist.get';

/** A watchlist channel that only reads, called as `call` calls a core's (a CliFailure on error). */
export type WatchlistReader = <C extends ReadChannel>(
  channel: C,
  input: ChannelInput<C>,
) => Promise<ChannelOutput<C>>;

/**
 * `watchlist list|show`: the watchlist read without the data folder's lock, so they work while
 * the app, a server or another command has the folder open (as `history list|show|export` do).
 * The document on disk goes through the core's own channel handlers and contract (input checked,
 * output as the channel gives it), with the CLI's `file://` media links, so the result is the one
 * a core would give. Nothing in the folder is written (store.ts readWatchlist).
 *
 * A watchlist written for another descriptor model is the exception: opening the folder describes
 * its faces again first (reembed.ts), which may drop some, and only the folder's owner may do
 * that. Such a folder is opened as before (the lock taken; STORE_LOCKED while another Vigil has
 * it, saying why the lock is needed).
 */
export async function withWatchlistReader<T>(
  opts: GlobalOpts,
  withCore: WithCore,
  run: (read: WatchlistReader) => Promise<T>,
): Promise<T> {
  const g = { ...opts, readsData: true };
  const { dir } = await dataDirFor(g);
  const doc = await readWatchlist(dir);
  if (doc.model === DESCRIPTOR_MODEL) {
    // Only the two reading channels are there, and only they are called.
    const handlers = watchlistReadHandlers({
      store: { watchlist: { data: doc } },
      mediaUrl: fileMediaUrl(dir),
    });
    const reader = {
      call: (channel: string, input: unknown) => dispatch(handlers as Handlers, channel, input),
    };
    return run((channel, input) => call(reader, channel, input));
  }
  return withCore(g, (core) => run((channel, input) => call(core, channel, input))).catch((err: unknown) => {
    if (!(err instanceof VigilError) || err.code !== 'STORE_LOCKED') throw err;
    throw new VigilError(
      'STORE_LOCKED',
      `${err.message} (its watchlist was enrolled with another face model, ${doc.model}: ` +
        'it can be read beside that Vigil once it has described the faces again for this one)',
      err.details,
    );
  });
}
