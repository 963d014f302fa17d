import { stat } from 'node:fs/promises';
import { locateDataDir, type DataDirLocation } from '../main/core/store/data-dir';
import type { GlobalOpts } from './match-commands';
import { CliFailure } from './output';
import { usageError } from './options';

/**
 * The data folder a command works on. `--data ""` (an unset shell variable) is refused rather
 * than read as "no --data", which would act on the user's own data. A command that only reads
 * or changes what is there (`readsData`) refuses a named folder that does not exist, so a typo
 * in --data is an error, not an empty watchlist that matches nobody.
 */
export async function dataDirFor(opts: GlobalOpts): Promise<DataDirLocation> {
  if (opts.data !== undefined && !opts.data.trim())
    throw usageError('--data is empty: give the data folder, or leave the option out for the default');
  const location = locateDataDir(opts.data);
  if (opts.readsData && location.source !== 'default' && !(await stat(location.dir).catch(() => null))) {
    const from = location.source === 'flag' ? '--data' : 'VIGIL_DATA_DIR';
    throw new CliFailure({
      code: 'FILE_NOT_FOUND',
      message: `The data folder ${location.dir} (${from}) does not exist; check the path (this command does not create one)`,
    });
  }
  return location;
}
