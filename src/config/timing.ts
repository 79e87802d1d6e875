import type { StepTiming } from '../operations/step-context.ts';

/**
 * How operations wait, decided once from where Deckhand runs. Real GitHub: poll every 10 s by default
 * (GitHub asks pollers to keep to their rate limit), look for a dispatched run for 2 minutes. The
 * sandbox runs time ten times faster: poll each second without webhooks, every 5 s with them (then
 * polling is only the fallback). `DECKHAND_POLL_MS` overrides the interval either way.
 */
export function resolveTiming(where: {
  sandbox: boolean;
  webhooks: boolean;
  pollMs?: number | undefined;
}): StepTiming {
  if (where.sandbox) {
    return {
      pollMs: where.pollMs ?? (where.webhooks ? 5000 : 1000),
      findRunTimeoutMs: 60_000,
      expectWebhooks: where.webhooks,
    };
  }
  return { pollMs: where.pollMs ?? 10_000, findRunTimeoutMs: 120_000, expectWebhooks: where.webhooks };
}
