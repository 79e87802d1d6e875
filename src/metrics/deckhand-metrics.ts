import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { statusClass, type ApiCallRecorder, type ApiSystem } from './api-calls.ts';

/** Every metric's name starts with this (Prometheus' convention: one prefix per application). */
export const METRIC_PREFIX = 'deckhand_';

/** Values read when Prometheus scrapes (see `DeckhandMetrics.onScrape`). */
export interface ScrapedValues {
  /** Per sink name (a name in code, bounded): events in the log it has not handled yet. */
  sinkLag(): Promise<readonly { sink: string; events: number }[]>;
  /** Operations this process drives now (it holds their leases). */
  leasesHeld(): number;
}

/**
 * Deckhand's Prometheus metrics, registered in the `Registry` it is given: one per Deckhand instance,
 * never prom-client's global one, so two Deckhands in one process (tests, the bench) never mix. Every
 * label value comes from a fixed set by construction: a command's registered name or `unknown`, an
 * operation kind and state from their enums, a system and a route template from api-calls.ts, a
 * sink's name from code. Users, refs, channels and operation ids never become labels.
 *
 * Times are in seconds (Prometheus' base unit).
 */
export class DeckhandMetrics implements ApiCallRecorder {
  readonly acknowledgement: Histogram<'request'>;
  readonly commands: Counter<'command' | 'decision'>;
  readonly operationsFinished: Counter<'kind' | 'state'>;
  readonly operationDuration: Histogram<'kind'>;
  readonly apiCalls: Counter<'system' | 'method' | 'status_class'>;
  readonly rateLimits: Counter<'system'>;
  readonly retryAfterWait: Counter<'system'>;
  readonly githubRemaining: Gauge<never>;
  readonly sinkLag: Gauge<'sink'>;
  readonly auditAppended: Counter<never>;
  readonly auditVerifiedAt: Gauge<never>;
  readonly auditVerifiedOk: Gauge<never>;
  readonly leasesHeld: Gauge<never>;
  private scraped: ScrapedValues | null = null;

  constructor(readonly register: Registry) {
    const registers = [register];
    collectDefaultMetrics({ register, prefix: METRIC_PREFIX });
    this.acknowledgement = new Histogram({
      name: `${METRIC_PREFIX}slack_acknowledgement_seconds`,
      help: 'From a slash command (request=command) or a button click (request=action) reaching Deckhand to its acknowledgement (Slack allows 3 s).',
      labelNames: ['request'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    });
    this.commands = new Counter({
      name: `${METRIC_PREFIX}commands_total`,
      help: 'Invocations decided, by command (registered name, or unknown) and decision.',
      labelNames: ['command', 'decision'],
      registers,
    });
    this.operationsFinished = new Counter({
      name: `${METRIC_PREFIX}operations_finished_total`,
      help: 'Operations that reached a final state, by kind and final state.',
      labelNames: ['kind', 'state'],
      registers,
    });
    this.operationDuration = new Histogram({
      name: `${METRIC_PREFIX}operation_duration_seconds`,
      help: 'From an operation being requested to its final state, by kind.',
      labelNames: ['kind'],
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    });
    this.apiCalls = new Counter({
      name: `${METRIC_PREFIX}api_calls_total`,
      help: 'Outbound API calls, by system, method (a route template or Web API method) and status class.',
      labelNames: ['system', 'method', 'status_class'],
      registers,
    });
    this.rateLimits = new Counter({
      name: `${METRIC_PREFIX}api_rate_limited_total`,
      help: 'Answers that said to slow down (429, or GitHub rate-limit 403), by system.',
      labelNames: ['system'],
      registers,
    });
    this.retryAfterWait = new Counter({
      name: `${METRIC_PREFIX}api_retry_after_wait_seconds_total`,
      help: 'Seconds spent waiting on Retry-After before trying again, by system.',
      labelNames: ['system'],
      registers,
    });
    this.githubRemaining = new Gauge({
      name: `${METRIC_PREFIX}github_rate_limit_remaining`,
      help: "GitHub's x-ratelimit-remaining as last seen (requests left in the window).",
      registers,
    });
    this.sinkLag = new Gauge({
      name: `${METRIC_PREFIX}sink_lag_events`,
      help: "Events in the log a sink has not handled yet (the log's head minus the sink's cursor).",
      labelNames: ['sink'],
      registers,
      collect: async () => {
        if (this.scraped === null) return;
        this.sinkLag.reset();
        for (const { sink, events } of await this.scraped.sinkLag()) this.sinkLag.set({ sink }, events);
      },
    });
    this.auditAppended = new Counter({
      name: `${METRIC_PREFIX}audit_entries_appended_total`,
      help: 'Entries this process appended to the hash-chained audit log.',
      registers,
    });
    this.auditVerifiedAt = new Gauge({
      name: `${METRIC_PREFIX}audit_last_verification_timestamp_seconds`,
      help: 'When the audit chain was last checked against its newest checkpoint (Unix time).',
      registers,
    });
    this.auditVerifiedOk = new Gauge({
      name: `${METRIC_PREFIX}audit_last_verification_ok`,
      help: '1 when the last check of the audit chain found it intact, 0 when it found it changed.',
      registers,
    });
    this.leasesHeld = new Gauge({
      name: `${METRIC_PREFIX}leases_held`,
      help: 'Operations this process drives now (their leases are held by it).',
      registers,
      collect: () => {
        if (this.scraped !== null) this.leasesHeld.set(this.scraped.leasesHeld());
      },
    });
  }

  /** Where the gauges read at scrape time get their values; set once by the composition root. */
  onScrape(values: ScrapedValues): void {
    this.scraped = values;
  }

  call(system: ApiSystem, method: string, outcome: number | 'timeout' | 'error'): void {
    this.apiCalls.inc({ system, method, status_class: statusClass(outcome) });
  }

  rateLimited(system: ApiSystem, waitedSeconds: number): void {
    this.rateLimits.inc({ system });
    if (waitedSeconds > 0) this.retryAfterWait.inc({ system }, waitedSeconds);
  }

  githubRateLimitRemaining(remaining: number): void {
    if (Number.isFinite(remaining)) this.githubRemaining.set(remaining);
  }

  /** The audit chain was checked at `at`: `ok` when it extends its newest checkpoint. */
  auditVerified(ok: boolean, at: Date): void {
    this.auditVerifiedAt.set(at.getTime() / 1000);
    this.auditVerifiedOk.set(ok ? 1 : 0);
  }

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.register.contentType, body: await this.register.metrics() };
  }
}
