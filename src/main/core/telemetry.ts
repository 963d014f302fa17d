import type { ErrorShape } from '../../shared/errors';

const WINDOW = 1000;
const ERRORS = 50;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Latency per channel (the last 1000 calls each) and the last 50 errors since start, for Diagnostics. */
export class Telemetry {
  private readonly durations = new Map<string, { count: number; recent: number[] }>();
  private readonly errors: { at: string; channel: string; code: string; message: string }[] = [];
  readonly startedAt = new Date().toISOString();

  record(channel: string, ms: number, error?: ErrorShape): void {
    let d = this.durations.get(channel);
    if (!d) this.durations.set(channel, (d = { count: 0, recent: [] }));
    d.count++;
    d.recent.push(ms);
    if (d.recent.length > WINDOW) d.recent.shift();
    if (error) {
      this.errors.unshift({
        at: new Date().toISOString(),
        channel,
        code: error.code,
        message: error.message,
      });
      if (this.errors.length > ERRORS) this.errors.pop();
    }
  }

  latency() {
    return [...this.durations.entries()]
      .map(([channel, d]) => {
        const sorted = [...d.recent].sort((a, b) => a - b);
        const r = (n: number) => Math.round(n * 10) / 10;
        return {
          channel,
          count: d.count,
          p50: r(percentile(sorted, 50)),
          p95: r(percentile(sorted, 95)),
          p99: r(percentile(sorted, 99)),
        };
      })
      .sort((a, b) => a.channel.localeCompare(b.channel));
  }

  recentErrors() {
    return [...this.errors];
  }
}
