import { describe, expect, it } from 'vitest';
import { Gate } from './gate';

/** A promise and the function that settles it. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Gate', () => {
  it('lets shared calls overlap', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const a = deferred();
    const p1 = gate.shared(async () => (log.push('a start'), await a.promise, log.push('a end')));
    const p2 = gate.shared(async () => log.push('b'));
    await p2;
    expect(log).toEqual(['a start', 'b']);
    a.resolve();
    await p1;
  });

  it('waits for running calls, holds back new ones, then lets them through', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const running = deferred();
    const r = gate.shared(async () => (log.push('running'), await running.promise, log.push('running done')));
    let waited = false;
    const x = gate.exclusive(
      async () => {
        log.push('exclusive');
        await tick();
        log.push('exclusive done');
      },
      () => (waited = true),
    );
    const later = gate.shared(async () => log.push('later'));
    await tick();
    expect(waited).toBe(true);
    expect(gate.running).toBe(1);
    expect(log).toEqual(['running']);
    running.resolve();
    await Promise.all([r, x, later]);
    expect(log).toEqual(['running', 'running done', 'exclusive', 'exclusive done', 'later']);
  });

  it('runs exclusive operations one after another, and a failed one releases the gate', async () => {
    const gate = new Gate();
    const log: string[] = [];
    const first = gate.exclusive(async () => {
      log.push('1');
      await tick();
      throw new Error('boom');
    });
    const second = gate.exclusive(async () => log.push('2'));
    await expect(first).rejects.toThrow('boom');
    await second;
    await gate.shared(async () => log.push('after'));
    expect(log).toEqual(['1', '2', 'after']);
  });
});
