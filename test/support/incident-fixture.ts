import type { Incident } from '../../src/incidents/incident.ts';

/**
 * An incident row as a test writes it straight into the store: sev2 on api, open, declared by
 * U000ADMIN at `at`, with no channel yet; `overrides` change it (a resolved one needs `status`,
 * `stage` and `resolvedAt`).
 */
export function incidentFixture(
  at: Date,
  overrides: Partial<Omit<Incident, 'number'>> & { id: string },
): Omit<Incident, 'number'> {
  return {
    title: 'checkout 500s',
    severity: 'sev2',
    services: ['api'],
    environment: null,
    status: 'open',
    declaredBy: 'U000ADMIN',
    declaredAt: at,
    invocationId: `inv-${overrides.id}`,
    resolvedAt: null,
    summary: null,
    channelId: null,
    channelName: null,
    stage: 'investigating',
    roles: { commander: overrides.declaredBy ?? 'U000ADMIN', comms: null, scribe: null },
    impactStartedAt: null,
    mitigatedAt: null,
    causeOperationId: null,
    followUps: [],
    nextUpdateAt: null,
    ...overrides,
  };
}
