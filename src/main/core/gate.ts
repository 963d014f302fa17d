/**
 * Lets calls share the store while an operation that replaces it (moving the data dir,
 * restoring a backup) runs alone: it waits for running calls to finish, and calls that arrive
 * meanwhile wait for it. Writer-preferring, so a stream of calls cannot starve a move.
 */
export class Gate {
  private readers = 0;
  private writer: Promise<unknown> | null = null;
  private drained: (() => void) | null = null;

  /** How many calls the exclusive operation is waiting for (0 when it runs). */
  get running(): number {
    return this.readers;
  }

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer.catch(() => undefined);
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.readers === 0) this.drained?.();
    }
  }

  async exclusive<T>(fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    while (this.writer) await this.writer.catch(() => undefined);
    const run = (async () => {
      if (this.readers > 0) {
        onWait?.();
        await new Promise<void>((resolve) => (this.drained = resolve));
        this.drained = null;
      }
      return fn();
    })();
    this.writer = run;
    try {
      return await run;
    } finally {
      if (this.writer === run) this.writer = null;
    }
  }
}
