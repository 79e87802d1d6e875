/**
 * DORA metrics from Deckhand's own records. The web page and the weekly report call:
 * - `loadDoraHistory(store, range)` to read the records (operations, incidents and their links, the
 *   cached first commits) and `computeDora(history, query)` for the figures;
 * - every figure carries the operation ids it counts (`ids`, `numeratorIds`/`denominatorIds`,
 *   `samples[].id`, `missingIds`) so a page can link each number to the records behind it.
 */
export type { ChangeCommit, DoraChange, DoraHistory, DoraIncident } from './history.ts';
export type { FailedDeploy, FailureReason } from './failures.ts';
export type {
  CountFigure,
  DoraBands,
  DoraFigures,
  DoraReport,
  DoraSeries,
  DurationFigure,
  DurationSample,
  RateFigure,
} from './figures.ts';
export type { DoraBand } from './bands.ts';
export { changeFailBand, frequencyBand, leadTimeBand, recoveryBand } from './bands.ts';
export { classifyDeploys } from './failures.ts';
export { computeDora, type DoraQuery } from './compute.ts';
export { weekStart, weeksBetween, WEEK_MS } from './weeks.ts';
