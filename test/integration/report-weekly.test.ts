/**
 * `deckhand report weekly`: the week's deploys, failures (each once), rollbacks, incidents, the DORA
 * figures against the week before and the audit chain's state, printed; with --post, the same posted
 * through the chat client to the fake Slack API, with a ref people typed shown as typed.
 */
import { incidentFixture } from '../support/incident-fixture.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Output } from '../../src/cli/output.ts';
import { reportWeekly } from '../../src/cli/report-commands.ts';
import { readSettings } from '../../src/config/env.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createStore } from '../../src/store/create-store.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const at = (iso: string): Date => new Date(`${iso}Z`);
let slack: FakeSlackApi;
let dataDir: string;

beforeEach(async () => {
  slack = await startFakeSlackApi({ tokens: ['xoxb-good'] });
  dataDir = mkdtempSync(join(tmpdir(), 'deckhand-report-'));
  const store = await createStore({ sqlitePath: join(dataDir, 'deckhand.db') });
  const op = (
    id: string,
    kind: 'deploy' | 'rollback',
    state: 'succeeded' | 'failed',
    done: string,
    ref = id,
  ) =>
    store.operations.create(
      operationFixture(at(done), {
        id,
        kind,
        state,
        ref,
        service: 'api',
        environment: 'production',
        createdAt: new Date(at(done).getTime() - 600_000),
        stateChangedAt: at(done),
      }),
    );
  // The week before (Oct 26 – Nov 1): one deploy, fine.
  await op('prev0001', 'deploy', 'succeeded', '2026-10-28T10:00');
  // The week reported (Nov 2 – 8): four deploys; one failed, was rolled back and caused INC-1.
  await op('good0001', 'deploy', 'succeeded', '2026-11-02T10:00', '<!here> v1');
  await op('bad00001', 'deploy', 'failed', '2026-11-03T09:30', 'v2');
  await op('back0001', 'rollback', 'succeeded', '2026-11-03T10:00', '');
  await op('good0002', 'deploy', 'succeeded', '2026-11-04T10:00', 'v3');
  await op('good0003', 'deploy', 'succeeded', '2026-11-05T10:00', 'v4');
  const incident = await store.incidents.create(
    incidentFixture(at('2026-11-03T09:35'), {
      id: 'incident-1',
      title: 'checkout 500s',
      severity: 'sev1',
      status: 'resolved',
      declaredBy: 'U000SRE',
      invocationId: 'inv-1',
      resolvedAt: at('2026-11-03T11:00'),
      channelId: 'C0INC1',
      channelName: 'inc-1',
      stage: 'resolved',
    }),
  );
  await store.dora.link({
    incidentId: incident.id,
    operationId: 'bad00001',
    relation: 'cause',
    linkedBy: 'U000SRE',
    linkedAt: at('2026-11-03T12:00'),
  });
  await store.close();
});

afterEach(async () => {
  await slack.close();
});

function capture(): { out: Output; lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    out: { log: (l) => lines.push(l), err: (l) => errors.push(l), stdout: process.stdout },
    lines,
    errors,
  };
}

describe('report weekly', () => {
  it('prints the last whole week with its DORA figures against the week before and the chain state', async () => {
    const { out, lines } = capture();
    const settings = readSettings({ DECKHAND_DATA_DIR: dataDir });
    const code = await reportWeekly(
      exampleConfig(),
      settings,
      {},
      {
        clock: new ManualClock('2026-11-10T08:00:00Z'),
        out,
        github: null,
      },
    );
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(lines[0]).toBe('Deckhand weekly report: 2026-11-02 to 2026-11-08 (UTC)');
    // Four deploys; bad00001 failed three ways and counts once.
    expect(text).toContain(
      'Deploys: 4 (3 succeeded, 1 failed as DORA counts them); rollbacks: 1; incidents declared: 1.',
    );
    expect(text).toContain(
      'deploy api v2 to production (bad00001): rollout failed, rolled back, caused an incident (INC-1); recovered in 30m by back0001',
    );
    expect(text).toContain(
      'INC-1 checkout 500s (sev1), declared 2026-11-03 09:35 UTC, resolved 2026-11-03 11:00 UTC',
    );
    expect(text).toMatch(/Deployment frequency\s+4 \| 1 \| \+3/);
    expect(text).toMatch(/Change fail rate\s+25% \| 0% \| \+25 pp/);
    expect(text).toMatch(/Failed deployment recovery time \(median\)\s+30m \| n\/a \| n\/a/);
    // What people typed is printed as typed.
    expect(text).toContain('deploy api <!here> v1 to production (good0001): succeeded, 2026-11-02 10:00 UTC');
    expect(text).toContain('Audit chain: verified.');
    expect(text).toContain('Note: GitHub is not configured');
  });

  it('posts it to a channel through the chat client, text people typed shown as typed', async () => {
    const { out, errors } = capture();
    const settings = readSettings({
      DECKHAND_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-good',
      SLACK_API_URL: slack.url,
    });
    const code = await reportWeekly(
      exampleConfig(),
      settings,
      { post: 'C0MANAGERS', week: '2026-11-04' },
      {
        clock: new ManualClock('2026-11-30T08:00:00Z'),
        out,
        github: null,
      },
    );
    expect(code).toBe(0);
    const [post] = slack.callsTo('chat.postMessage');
    expect(post?.params.channel).toBe('C0MANAGERS');
    expect(post?.params.text).toBe('Deckhand weekly report: 2026-11-02 to 2026-11-08 (UTC)');
    const blocks = String(post?.params.blocks);
    expect(blocks).toContain('Change fail rate');
    expect(blocks).toContain('&lt;!here&gt; v1');
    expect(blocks).not.toContain('<!here>');
    expect(errors).toContain('Posted to C0MANAGERS.');
  });

  it('refuses a malformed week or channel before anything is read', async () => {
    const settings = readSettings({ DECKHAND_DATA_DIR: dataDir });
    const io = { clock: new ManualClock(), out: capture().out, github: null };
    await expect(reportWeekly(exampleConfig(), settings, { week: 'last week' }, io)).rejects.toThrow(
      /--week takes a date/,
    );
    await expect(reportWeekly(exampleConfig(), settings, { post: '#deploys' }, io)).rejects.toThrow(
      /channel id/,
    );
  });
});
