import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise (CI, pipes, --json consumers). */
export function progressBar(total: number, label: string) {
  if (!process.stderr.isTTY || total < 2) return { tick: (_file: string) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted} {file}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { file: '' });
  return {
    tick: (file: string) => bar.increment({ file }),
    stop: () => bar.stop(),
  };
}
