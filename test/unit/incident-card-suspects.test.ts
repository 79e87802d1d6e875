/**
 * The situation card with many suspects stays within Slack's Block Kit limits (the fake Slack's own
 * checker): ten listed, the rest counted, two buttons for each of the first five.
 */
import { describe, expect, it } from 'vitest';
import { incidentCard } from '../../src/incidents/incident-card.ts';
import type { Incident } from '../../src/incidents/incident.ts';
import { rankSuspects, type SuspectFacts } from '../../src/incidents/suspect-score.ts';
import { renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { checkMessage } from '../fakes/fake-block-kit.ts';
import { incidentFixture } from '../support/incident-fixture.ts';

const AT = new Date('2026-11-30T10:00:00Z');
const SERVICE = `api-${'payments-gateway-'.repeat(7)}x`.slice(0, 120);

function facts(i: number): SuspectFacts {
  return {
    operation: {
      id: `op${String(i).padStart(6, '0')}-0000-4000-8000-000000000000`,
      kind: 'deploy',
      service: SERVICE,
      environment: 'production',
      ref: `v1.${String(i)}.0-${'x'.repeat(60)}`,
      requester: 'U000ALICE',
      state: 'succeeded',
    },
    completedAt: new Date(AT.getTime() - i * 60_000),
    health: { kind: 'unknown', why: `the cluster did not answer within 3s ${'and more '.repeat(10)}` },
    approvalSkipped: true,
    lockOverridden: true,
    dismissed: i === 13 ? { by: 'U000BOB', at: AT } : null,
  };
}

describe('the situation card with many suspects', () => {
  it('lists ten, counts the rest, gives the first five two buttons each, and Slack would take it', () => {
    const incident: Incident = { ...incidentFixture(AT, { id: 'inc-1', services: [SERVICE] }), number: 1 };
    const ranking = rankSuspects(
      Array.from({ length: 14 }, (_, i) => facts(i + 1)),
      { declaredAt: AT, services: [SERVICE], environment: 'production', windowMs: 86_400_000 },
    );
    const card = incidentCard(incident, ranking, AT);
    expect(card.buttons).toHaveLength(10);
    expect(card.buttons?.[0]?.command).toBe(
      `rollback ${SERVICE} production after=op000001-0000-4000-8000-000000000000`,
    );
    expect(card.buttons?.[1]?.command).toBe('incident not-it 1 op000001-0000-4000-8000-000000000000');
    expect(card.buttons?.every((b) => b.label.length <= 75)).toBe(true);
    expect(card.text).toContain('10. deploy');
    expect(card.text).not.toContain('11. deploy');
    expect(card.text).toContain('…and 4 more (see /ops history).');
    const rendered = renderBlocks(card);
    expect(checkMessage(rendered)).toBeNull();
  });
});
