import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for `/metrics` (the face-privacy service's Grafana dashboards read these names). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'vigil_requests_total',
    help: 'API calls by channel and status code',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'vigil_request_duration_seconds',
    help: 'API call latency by channel',
    labelNames: ['channel', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'vigil_jobs_total',
    help: 'Jobs by kind and final status',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });

  readonly inference = new Histogram({
    name: 'vigil_inference_duration_seconds',
    help: 'Engine inference time per photo by pipeline',
    labelNames: ['pipeline'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
  }
}
