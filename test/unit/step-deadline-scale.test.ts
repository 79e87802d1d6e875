import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import { resolveTiming } from '../../src/config/timing.ts';
import { planFor } from '../../src/operations/plans/plan-for.ts';
import { deadlineOf, deadlineReason } from '../../src/operations/step-deadline.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';

describe('step deadlines where time runs faster', () => {
  const catalog = new Catalog(exampleConfig());
  const at = new Date('2026-11-30T10:00:00Z');
  const op = operationFixture(at, { id: 'op-queued', state: 'queued', stateChangedAt: at });
  const step = planFor(op, catalog).steps.queued;

  it('passes in a tenth of the time in a sandbox running ×10, and still names the configured limit', () => {
    const timing = resolveTiming({ sandbox: true, webhooks: false, sandboxSpeed: 10 });
    const deadline = step === undefined ? null : deadlineOf(op, step, catalog, timing.deadlineScale);
    expect(deadline?.at).toEqual(new Date('2026-11-30T10:01:00Z'));
    expect(deadline === null ? '' : deadlineReason(deadline, op)).toContain('stayed queued for 10m');
  });

  it('passes in real time against real systems', () => {
    const timing = resolveTiming({ sandbox: false, webhooks: false });
    const deadline = step === undefined ? null : deadlineOf(op, step, catalog, timing.deadlineScale);
    expect(deadline?.at).toEqual(new Date('2026-11-30T10:10:00Z'));
  });
});
