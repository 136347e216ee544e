import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallReport } from '../calls/call-report.js';

/** Prometheus metrics of the calls Doorman screens; one registry per instance (tests run several). */
export class CallMetrics {
  readonly registry = new Registry();
  private readonly calls = new Counter({
    name: 'doorman_calls_total',
    help: 'Calls that left Doorman, by outcome and by the check whose verdict routed them',
    labelNames: ['outcome', 'check'] as const,
    registers: [this.registry],
  });
  private readonly answers = new Counter({
    name: 'doorman_challenge_answers_total',
    help: 'Speech-challenge answers by decision (match, ambiguous, nomatch, machine, silence)',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });
  private readonly checks = new Histogram({
    name: 'doorman_check_duration_seconds',
    help: 'Time each check took, by check and result',
    labelNames: ['check', 'result'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [this.registry],
  });
  private readonly sttLatency = new Histogram({
    name: 'doorman_stt_decision_seconds',
    help: "From the end of the caller's answer to the recognised, matched decision (speech engine latency)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'doorman_call_duration_seconds',
    help: 'Time from entering Doorman to leaving it',
    buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 15, 20, 30, 60],
    registers: [this.registry],
  });

  constructor(activeCalls: () => number) {
    new Gauge({
      name: 'doorman_active_calls',
      help: 'Calls Doorman is working on now',
      registers: [this.registry],
      collect() {
        this.set(activeCalls());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one finished call (DoormanApp's 'call' event). */
  observe(report: CallReport): void {
    this.calls.inc({ outcome: report.outcome, check: report.verdict?.check ?? 'none' });
    if (report.answer) {
      this.answers.inc({ decision: report.answer.outcome });
      this.sttLatency.observe(report.answer.decisionMs / 1000);
    }
    for (const c of report.checks) this.checks.observe({ check: c.check, result: c.result }, c.ms / 1000);
    this.duration.observe(report.timings.totalMs / 1000);
  }
}

export const metricsRoutes =
  (metrics: CallMetrics): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics (scrape with a bearer token)',
          tags: ['metrics'],
          produces: ['text/plain'],
        },
      },
      async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  };
