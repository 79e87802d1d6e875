import type { SlashCommand } from '../test/fakes/signed-request.ts';

/** One batch of signed slash commands for the load worker to fire. */
export interface LoadJob {
  id: number;
  baseUrl: string;
  signingSecret: string;
  /** Each request gets a fresh trigger_id and timestamp, as distinct Slack deliveries would. */
  command: Omit<SlashCommand, 'triggerId'>;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  id: number;
  /** Milliseconds from sending the request to the last byte of the acknowledgement. */
  latencies: number[];
  wallMs: number;
  errors: number;
  bytes: number;
}
