import { changeFailBand, frequencyBand, leadTimeBand, recoveryBand } from './bands.ts';
import { classifyDeploys, isCountedDeploy, type DeployFacts } from './failures.ts';
import type { DoraBands, DoraFigures, DoraReport, DoraSeries, DurationSample } from './figures.ts';
import type { DoraHistory } from './history.ts';
import { dayNumber, median, WEEK_MS, weekStart, weeksBetween } from './weeks.ts';

/** Which figures to compute: a range of instants, and optionally only some services or environments. */
export interface DoraQuery {
  from: Date;
  /** Exclusive. */
  until: Date;
  services?: readonly string[];
  environments?: readonly string[];
}

const DAYS_PER_MONTH = 30;

/**
 * The DORA figures of `history` over `query`'s range: per service × environment and per environment
 * over all services, per week (ISO weeks, Monday 00:00 UTC) and in total, with Four Keys bands for
 * the total. A deploy belongs to the week it completed in. Classification (failed, remediated,
 * rework) reads the whole history, so a deploy just before the range can be the one a rollback in it
 * remediated, and a rollback after the range can mark a deploy in it as rolled back. Pure: the same
 * history and query give the same report.
 */
export function computeDora(history: DoraHistory, query: DoraQuery): DoraReport {
  const facts = classifyDeploys(history);
  const from = query.from.getTime();
  const until = query.until.getTime();
  const wantService = query.services === undefined ? () => true : set(query.services);
  const wantEnvironment = query.environments === undefined ? () => true : set(query.environments);
  const groups = new Map<string, { service: string | null; environment: string; deploys: DeployFacts[] }>();
  for (const fact of facts.values()) {
    const { change } = fact;
    const done = change.completedAt.getTime();
    if (done < from || done >= until || !isCountedDeploy(change)) continue;
    if (!wantService(change.service) || !wantEnvironment(change.environment)) continue;
    for (const service of [change.service, null]) {
      const key = `${change.environment}\u0000${service ?? ''}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { service, environment: change.environment, deploys: [] };
        groups.set(key, group);
      }
      group.deploys.push(fact);
    }
  }
  const weeks = weeksBetween(query.from, new Date(Math.max(from, until - 1)));
  const series = [...groups.values()].map((group): DoraSeries => {
    const byWeek = new Map<number, DeployFacts[]>();
    for (const fact of group.deploys) {
      const week = weekStart(fact.change.completedAt).getTime();
      const list = byWeek.get(week);
      if (list === undefined) byWeek.set(week, [fact]);
      else list.push(fact);
    }
    const weekly = weeks.map((start) =>
      figures(byWeek.get(start.getTime()) ?? [], history, start, new Date(start.getTime() + WEEK_MS)),
    );
    const total = figures(group.deploys, history, query.from, query.until);
    return {
      service: group.service,
      environment: group.environment,
      weeks: weekly,
      total,
      bands: bands(total, weekly),
    };
  });
  series.sort(
    (a, b) =>
      a.environment.localeCompare(b.environment) ||
      (a.service === null ? 1 : 0) - (b.service === null ? 1 : 0) ||
      (a.service ?? '').localeCompare(b.service ?? ''),
  );
  return { from: query.from, until: query.until, series };
}

function figures(deploys: DeployFacts[], history: DoraHistory, from: Date, until: Date): DoraFigures {
  // Sorted in place: every list passed in is this module's own.
  const sorted = deploys.sort(
    (a, b) =>
      a.change.completedAt.getTime() - b.change.completedAt.getTime() ||
      a.change.id.localeCompare(b.change.id),
  );
  const ids = sorted.map((d) => d.change.id);
  const leadSamples: DurationSample[] = [];
  const leadMissing: string[] = [];
  for (const { change } of sorted) {
    if (change.state !== 'succeeded') continue;
    const commit = history.commits.get(change.id);
    if (commit === undefined) leadMissing.push(change.id);
    else
      leadSamples.push({
        id: change.id,
        ms: change.completedAt.getTime() - commit.firstAt.getTime(),
        to: commit.firstSha,
      });
  }
  const failures = sorted.flatMap((d) => (d.failure === null ? [] : [d.failure]));
  const recoverySamples: DurationSample[] = [];
  const unrecovered: string[] = [];
  for (const failure of failures) {
    if (failure.remediatedBy === null || failure.recoveryMs === null) unrecovered.push(failure.id);
    else recoverySamples.push({ id: failure.id, ms: failure.recoveryMs, to: failure.remediatedBy });
  }
  const rework = sorted.filter((d) => d.reworkFor.length > 0).map((d) => d.change.id);
  return {
    from,
    until,
    deploymentFrequency: { value: ids.length, ids },
    deployDays: new Set(sorted.map((d) => dayNumber(d.change.completedAt))).size,
    leadTime: {
      medianMs: median(leadSamples.map((s) => s.ms)),
      samples: leadSamples,
      missingIds: leadMissing,
    },
    changeFailRate: rate(
      failures.map((f) => f.id),
      ids,
    ),
    recoveryTime: {
      medianMs: median(recoverySamples.map((s) => s.ms)),
      samples: recoverySamples,
      missingIds: unrecovered,
    },
    reworkRate: rate(rework, ids),
    failures,
  };
}

function rate(numeratorIds: string[], denominatorIds: string[]) {
  return {
    value: denominatorIds.length === 0 ? null : numeratorIds.length / denominatorIds.length,
    numeratorIds,
    denominatorIds,
  };
}

function bands(total: DoraFigures, weeks: readonly DoraFigures[]): DoraBands {
  const days = (total.until.getTime() - total.from.getTime()) / (24 * 60 * 60 * 1000);
  const medianDays = median(weeks.map((w) => w.deployDays)) ?? 0;
  return {
    deploymentFrequency:
      total.deploymentFrequency.value === 0
        ? null
        : frequencyBand(medianDays, days <= 0 ? 0 : (total.deployDays * DAYS_PER_MONTH) / days),
    leadTime: total.leadTime.medianMs === null ? null : leadTimeBand(total.leadTime.medianMs),
    changeFailRate: total.changeFailRate.value === null ? null : changeFailBand(total.changeFailRate.value),
    recoveryTime: total.recoveryTime.medianMs === null ? null : recoveryBand(total.recoveryTime.medianMs),
  };
}

function set(values: readonly string[]): (value: string) => boolean {
  const wanted = new Set(values);
  return (value) => wanted.has(value);
}
