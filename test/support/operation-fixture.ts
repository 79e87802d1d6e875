import type { Operation } from '../../src/operations/types.ts';

/**
 * An operation row as a test writes it straight into the store (a replica that died, a race): a
 * deploy of web v1.2.3 to staging, asked for in the shell, not yet dispatched; `overrides` change it.
 */
export function operationFixture(at: Date, overrides: Partial<Operation> & { id: string }): Operation {
  return {
    kind: 'deploy',
    service: 'web',
    environment: 'staging',
    ref: 'v1.2.3',
    inputs: { version: 'v1.2.3', environment: 'staging' },
    state: 'dispatching',
    requester: 'U000ALICE',
    approver: null,
    channel: 'shell',
    surface: 'shell',
    createdAt: at,
    updatedAt: at,
    stateChangedAt: at,
    approvalExpiresAt: null,
    dispatchedAt: null,
    runId: null,
    runUrl: null,
    outcome: null,
    version: 1,
    ...overrides,
  };
}
