import type { DoraBand } from './bands.ts';
import type { FailedDeploy } from './failures.ts';

/** A count, with the ids of the records counted (operation ids). */
export interface CountFigure {
  value: number;
  ids: string[];
}

/** A ratio: `numeratorIds.length ÷ denominatorIds.length`; null when nothing was counted. */
export interface RateFigure {
  value: number | null;
  numeratorIds: string[];
  denominatorIds: string[];
}

/** One measured duration: `id` is the deploy measured; `to` what ended it (a commit sha or an operation id). */
export interface DurationSample {
  id: string;
  ms: number;
  to: string;
}

/**
 * A median of durations, in milliseconds, with each sample; `missingIds`: records that should have
 * a sample and have none yet (a deploy whose first commit is unknown, a failure not yet remediated).
 */
export interface DurationFigure {
  medianMs: number | null;
  samples: DurationSample[];
  missingIds: string[];
}

/** The five figures over one week (or over the whole range). */
export interface DoraFigures {
  /** The Monday 00:00 UTC the week starts at; for a range total, the range's start. */
  from: Date;
  /** Exclusive. */
  until: Date;
  /** Deploys that reached their target (succeeded, failed, or superseded by a rollback). */
  deploymentFrequency: CountFigure;
  /** Distinct UTC days with a deploy, for the frequency band. */
  deployDays: number;
  /** First commit of the change → successful rollout, per succeeded deploy. */
  leadTime: DurationFigure;
  /** Failed deploys ÷ deploys; each failed deploy once whatever its reasons. */
  changeFailRate: RateFigure;
  /** Failed deploy's completion → its remediation's completion. */
  recoveryTime: DurationFigure;
  /** Deploys made for an incident (from its channel, or named its fix) ÷ deploys. */
  reworkRate: RateFigure;
  /** The failed deploys counted, with why and what remediated them. */
  failures: FailedDeploy[];
}

/** The Four Keys band of each figure over a range; null where there is nothing to judge. */
export interface DoraBands {
  deploymentFrequency: DoraBand | null;
  leadTime: DoraBand | null;
  changeFailRate: DoraBand | null;
  recoveryTime: DoraBand | null;
}

/** The figures of one service (or all services: null) in one environment, week by week and in total. */
export interface DoraSeries {
  service: string | null;
  environment: string;
  weeks: DoraFigures[];
  total: DoraFigures;
  bands: DoraBands;
}

/** `computeDora`'s answer. */
export interface DoraReport {
  from: Date;
  until: Date;
  /** Per service × environment, then per environment over all services; sorted by environment, service. */
  series: DoraSeries[];
}
