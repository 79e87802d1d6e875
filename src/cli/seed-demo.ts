import type { Deckhand } from '../app.ts';
import { hasKubernetesCredentials, type Settings } from '../config/env.ts';
import { githubCredentialsFrom } from '../config/github-credentials.ts';
import { seedDemoHistory, type DemoSeedResult } from '../sandbox/demo-history.ts';

/** How long seeding waits for the sinks (the audit outcome writer, the incident timeline) per change. */
const DRAIN_MS = 5000;

/**
 * `npm start`'s demo: seeds the sandbox's demo history (see seedDemoHistory) when this Deckhand
 * runs against the sandbox alone (no GitHub and no Kubernetes credentials) on the data directory's
 * own SQLite file (no DATABASE_URL: a shared database is never a demo's), and the store is empty.
 * Called after the assembly and before `deckhand.start()`. Returns what was seeded, or null.
 */
export async function seedSandboxDemo(
  deckhand: Deckhand,
  settings: Settings,
): Promise<DemoSeedResult | null> {
  const sandboxOnly =
    githubCredentialsFrom(settings) === undefined &&
    !hasKubernetesCredentials(settings) &&
    settings.databaseUrl === undefined;
  if (!sandboxOnly) return null;
  const drain = (): Promise<void> => deckhand.sinks.drain(DRAIN_MS);
  // Each durable sink takes its cursor at the log's head when it first runs: once they all have, on
  // the empty log, the seeded events are theirs to handle like any others.
  await drain();
  return seedDemoHistory({
    operations: deckhand.store.operations,
    audit: deckhand.store.audit,
    incidents: deckhand.store.incidents,
    dora: deckhand.store.dora,
    events: deckhand.events,
    clock: deckhand.clock,
    newId: deckhand.newId,
    cadence: deckhand.catalog.config.incidents.updateEvery,
    drain,
  });
}
