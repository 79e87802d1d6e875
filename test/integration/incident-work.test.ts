/**
 * Working an incident after its declaration (issue 11, items 2, 6 and 7), in the core: stage, roles,
 * impact start, cause and follow-ups, each a timeline entry; which incident a command means; update
 * reminders on a manual clock, once each, reset by an update and quiet once resolved; reopening; the
 * postmortem's times, cause and follow-ups.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slackMrkdwn } from '../../src/core/markup.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import type { StoredEvent } from '../../src/events/domain-event.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MINUTE = 60_000;

async function reminders(
  harness: SandboxHarness,
): Promise<Array<StoredEvent & { type: 'incident.update_due' }>> {
  const all = await harness.deckhand.events.after(0, { types: ['incident.update_due'], limit: 100 });
  return all.filter(
    (e): e is StoredEvent & { type: 'incident.update_due' } => e.type === 'incident.update_due',
  );
}

async function timeline(harness: SandboxHarness, number: number): Promise<string[]> {
  await harness.sinksCaughtUp();
  const incident = await harness.store.incidents.byNumber(number);
  if (incident === null) throw new Error(`no INC-${String(number)}`);
  return (await harness.store.incidents.timeline(incident.id)).map((e) => e.text);
}

describe('working an incident', () => {
  it('moves through its stages, takes roles and an impact start, and says so on its card and timeline', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "checkout 500s" sev2 api');
    expect((await h.run('incident status 1 identified')).reply.title).toBe('INC-1 is identified now');
    expect((await h.run('incident status 1 identified')).reply.title).toBe('INC-1 is already identified');
    expect((await h.run('incident role 1 comms <@U000ALICE|alice>')).decision).toBe('allowed');
    expect((await h.run('incident impact-start 1 09:40')).decision).toBe('allowed');
    expect((await h.run('incident status 1 monitoring')).decision).toBe('allowed');

    const card = await h.run('incident show 1');
    const fields = (card.reply.fields ?? []).map((f) => ({ label: f.label, value: slackMrkdwn(f.value) }));
    expect(fields).toContainEqual({ label: 'Status', value: 'monitoring' });
    expect(fields).toContainEqual({ label: 'Roles', value: 'commander <@U000ADMIN>, comms <@U000ALICE>' });
    expect(fields).toContainEqual({ label: 'Impact start', value: '2026-11-24 09:40 UTC' });
    expect(fields.some((f) => f.label === 'Mitigated')).toBe(true);

    const lines = (await timeline(h, 1)).map(slackMrkdwn);
    expect(lines).toEqual([
      expect.stringContaining('declared INC-1'),
      expect.stringContaining('from investigating to identified'),
      expect.stringContaining('made <@U000ALICE> comms'),
      expect.stringContaining('set the impact start to 2026-11-24 09:40 UTC'),
      expect.stringContaining('from identified to monitoring'),
    ]);
  });

  it.each([
    ['incident sev 2', 'Which incident? Give its number'],
    ['incident status nonsense', 'not an incident number (7 or INC-7) nor a stage'],
    ['incident status 1 fixing', '"fixing" is not a stage'],
    ['incident role 1 boss <@U000ALICE>', 'Name a role (commander, comms, scribe)'],
    ['incident role 1 comms alice', '"alice" is not a Slack user'],
    ['incident impact-start 1 tomorrow', 'is not a time I can read'],
    ['incident impact-start 1 2999-01-01T00:00Z', 'cannot start in the future'],
    ['incident cause 1 nope', 'No operation\'s id starts with "nope"'],
    ['incident list closed', 'takes "open" (the default) or "all"'],
    ['incident reopen 1', 'is open; there is nothing to reopen'],
  ])('answers "%s" with what to do', async (line, expected) => {
    h = await startSandboxHarness();
    await h.run('incident declare "checkout 500s" sev2 api');
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain(expected);
  });

  it('reminds the commander once when an update is due, resets on an update, and goes quiet when resolved', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "checkout 500s" sev1 api'); // sev1: every 15 minutes by default
    await h.run('incident role 1 commander <@U000ALICE>');

    h.clock.advance(14 * MINUTE);
    await h.deckhand.housekeeping();
    expect(await reminders(h)).toHaveLength(0);

    h.clock.advance(1 * MINUTE);
    await h.deckhand.housekeeping();
    await h.deckhand.housekeeping(); // a second replica's housekeeping at the same moment
    const first = await reminders(h);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ commander: 'U000ALICE', sinceMs: 15 * MINUTE });

    h.clock.advance(10 * MINUTE);
    await h.run('incident update 1 "error rate falling"');
    h.clock.advance(10 * MINUTE);
    await h.deckhand.housekeeping();
    expect(await reminders(h)).toHaveLength(1); // the update moved the next one to 15 minutes after it
    h.clock.advance(5 * MINUTE);
    await h.deckhand.housekeeping();
    expect(await reminders(h)).toHaveLength(2);

    await h.run('incident resolve 1 "rolled back"');
    h.clock.advance(60 * MINUTE);
    await h.deckhand.housekeeping();
    expect(await reminders(h)).toHaveLength(2);

    // Reopened, it is reminded again.
    await h.run('incident reopen 1');
    h.clock.advance(15 * MINUTE);
    await h.deckhand.housekeeping();
    expect(await reminders(h)).toHaveLength(3);
  });

  it('records the confirmed cause and follow-ups, and the postmortem gives the times, cause and follow-ups', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    const deploy = await h.settle((await h.latest()).id);
    await h.run('incident declare "checkout 500s" sev2 api');
    await h.run('incident impact-start 1 30m ago');
    const cause = await h.run(`incident cause 1 ${deploy.id.slice(0, 8)}`);
    expect(cause.reply.title).toBe(
      `Recorded: deploy api v1.2.3 to staging (${deploy.id.slice(0, 8)}) caused INC-1`,
    );
    await h.run('incident follow-up 1 "alert on the 5xx rate"');
    h.clock.advance(20 * MINUTE);
    await h.run('incident status 1 monitoring');
    h.clock.advance(10 * MINUTE);
    await h.run('incident resolve 1 "bad config"');
    // Follow-ups are still taken after the resolution: that is when most are written.
    await h.run('incident follow-up 1 "canary for config changes"');

    const draft = renderText((await h.run('incident postmortem 1')).reply);
    expect(draft).toContain('after the impact began');
    expect(draft).toMatch(/Mitigated: .*, 50m after the impact began/);
    expect(draft).toContain('Time to resolve: 1h');
    expect(draft).toContain(`Confirmed cause: operation ${deploy.id}`);
    expect(draft).toContain('- [ ] alert on the 5xx rate');
    expect(draft).toContain('- [ ] canary for config changes');

    const listed = renderText((await h.run('incident list all')).reply);
    expect(listed).toContain('resolved');
  });
});
