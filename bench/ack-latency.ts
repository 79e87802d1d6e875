import type { LoadClient } from './load-client.ts';
import type { Scenario } from './scenarios.ts';
import { summarize } from './stats.ts';
import type { Row } from './table.ts';

export interface Target {
  name: string;
  baseUrl: string;
}

export interface Plan {
  signingSecret: string;
  concurrency: number;
  warmup: number;
  requests: number;
  /** Targets take turns in this many rounds, so drift (GC, a growing database) lands on both. */
  rounds: number;
}

/** Measures one scenario against every target: a warm-up each, then alternating measured rounds. */
export async function measureScenario(
  client: LoadClient,
  scenario: Scenario,
  targets: Target[],
  plan: Plan,
): Promise<Row[]> {
  const job = (target: Target, requests: number) =>
    client.run({
      baseUrl: target.baseUrl,
      signingSecret: plan.signingSecret,
      command: scenario.command,
      requests,
      concurrency: plan.concurrency,
    });
  for (const target of targets) await job(target, plan.warmup);

  const acc = targets.map(() => ({ latencies: [] as number[], wallMs: 0, errors: 0, bytes: 0 }));
  const perRound = Math.ceil(plan.requests / plan.rounds);
  for (let round = 0; round < plan.rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const result = await job(target, perRound);
      const a = acc[i];
      if (a === undefined) continue;
      a.latencies.push(...result.latencies);
      a.wallMs += result.wallMs;
      a.errors += result.errors;
      a.bytes += result.bytes;
    }
  }
  return targets.map((target, i) => {
    const a = acc[i] ?? { latencies: [], wallMs: 0, errors: 0, bytes: 0 };
    return {
      scenario: scenario.label,
      target: target.name,
      latency: summarize(a.latencies),
      perSecond: a.latencies.length / (a.wallMs / 1000),
      errors: a.errors,
      bytesPerReply: a.latencies.length === 0 ? 0 : a.bytes / a.latencies.length,
    };
  });
}
