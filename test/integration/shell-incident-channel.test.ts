/**
 * The shell's incident channel: entries print under the channel's heading, and a crash-looping deploy
 * during an open incident shows on its timeline and at the top of its suspect ranking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deadlinesOf } from '../../src/core/clock.ts';
import { rankedSuspects } from '../../src/incidents/suspect-facts.ts';
import { incidentChannelPrinterSink } from '../../src/surfaces/shell/incident-channel-printer.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the shell during an incident', () => {
  it('prints the channel under its heading, and a crash-looping deploy in the timeline and the ranking', async () => {
    const config = exampleConfig();
    config.incidents.environment = 'staging';
    h = await startSandboxHarness({ config });
    const harness = h;
    const printed: string[] = [];
    harness.deckhand.follow(
      incidentChannelPrinterSink({
        incidents: harness.store.incidents,
        rank: (incident) =>
          rankedSuspects(
            {
              catalog: harness.deckhand.catalog,
              operations: harness.store.operations,
              events: harness.deckhand.events,
              dora: harness.store.dora,
              kubernetes: harness.deckhand.ports.kubernetes,
              deadlines: deadlinesOf(harness.clock),
              deadlineMs: 3000,
            },
            incident,
          ),
        write: (line) => printed.push(line),
      }),
    );
    await harness.run('incident declare "checkout 500s" sev1 api');
    await harness.run('deploy api v2.0.0-bad to staging');
    const bad = await harness.settle((await harness.latest()).id, { stepMs: 5000 });
    expect(bad.state).toBe('failed');
    await harness.sinksCaughtUp();

    expect(printed[0]).toMatch(/^── #inc-1-\d{4}-\d\d-\d\d-checkout-500s ──$/);
    expect(printed.filter((l) => l.startsWith('── '))).toHaveLength(1);
    expect(printed[1]).toMatch(/^ {2}│ \d\d:\d\d UTC .*declared INC-1 \(sev1\): “checkout 500s” on api$/);
    const failed = printed.findIndex((l) => /deploy api v2\.0\.0-bad to staging: .*failed/.test(l));
    expect(failed).toBeGreaterThan(0);
    const ranking = printed.slice(failed + 1);
    expect(ranking[0]).toBe('  │ Suspects now (ranked by the evidence; Deckhand acts on none by itself):');
    expect(ranking[1]).toMatch(
      /^ {2}│ {3}1\. deploy api v2\.0\.0-bad in staging \(\w{8}\), score \d+: completed .* after declaration, during the incident · api in staging, same as the incident · it failed · crash looping since/,
    );
  });
});
