/**
 * Incidents in the core (the shell's view, no Slack): declaring records it and prints its card; every
 * change to its services joins the timeline; suspect deploys are Deckhand's own records with a bound
 * Rollback button; notes, severity and resolve; the postmortem quotes audit entries the chain verifies;
 * a user without the grant is refused; typed text stays text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slackMrkdwn } from '../../src/core/markup.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function timelineTexts(harness: SandboxHarness, number: number): Promise<string[]> {
  await harness.sinksCaughtUp();
  const incident = await harness.store.incidents.byNumber(number);
  if (incident === null) throw new Error(`no INC-${String(number)}`);
  return (await harness.store.incidents.timeline(incident.id)).map((e) => e.text);
}

describe('incidents', () => {
  it('declares an incident with its card, numbered, and its timeline follows a deploy and a lock of its services', async () => {
    h = await startSandboxHarness();
    const declared = await h.run('incident declare "checkout 500s" sev1 api');
    expect(declared.decision).toBe('allowed');
    expect(declared.reply.title).toBe('INC-1 checkout 500s');
    expect(declared.reply.fields).toContainEqual({ label: 'Severity', value: 'sev1' });

    await h.run('deploy api v1.2.3 to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    await h.run('lock api production "incident INC-1"');
    await h.run('lock web production "unrelated"');

    const lines = await timelineTexts(h, 1);
    expect(lines[0]).toContain('declared INC-1 (sev1)');
    expect(lines.some((l) => l.startsWith('deploy api v1.2.3 to staging:'))).toBe(true);
    expect(lines.some((l) => l.includes('locked api in production'))).toBe(true);
    // Another service's changes stay out of this incident's timeline.
    expect(lines.some((l) => l.includes('web'))).toBe(false);
    // Each event once, however often the sink read it.
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('lists the deploys of its services that succeeded in the window before it, each with a Rollback button bound to it', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.3 to staging');
    const old = await h.settle((await h.latest()).id);
    h.clock.advance(25 * 3600_000); // past the 24 h suspect window
    await h.run('deploy api v1.2.4 to staging');
    const recent = await h.settle((await h.latest()).id);
    await h.run('deploy web v2.0.0 to staging');
    await h.settle((await h.latest()).id);

    const declared = await h.run('incident declare "slow api" sev2 api');
    expect(declared.reply.text).toContain('deploy api v1.2.4 to staging');
    expect(declared.reply.text).not.toContain('v1.2.3');
    expect(declared.reply.text).not.toContain('web');
    expect(declared.reply.buttons).toEqual([
      expect.objectContaining({ command: `rollback api staging after=${recent.id}`, style: 'danger' }),
      expect.objectContaining({
        label: 'Not it: deploy api v1.2.4',
        command: `incident not-it 1 ${recent.id}`,
      }),
    ]);
    // Its evidence, read from Deckhand's records and the cluster.
    expect(declared.reply.text).toMatch(/1\. deploy api v1\.2\.4 to staging by \S*U000ADMIN\S*, score 40 /);
    expect(declared.reply.text).toContain('api in staging; the incident is in production');
    expect(declared.reply.text).toContain('healthy since (no restarts, all replicas available)');
    expect(old.id).not.toBe(recent.id);

    // The button is the ordinary rollback through the dispatcher: the policy decides, for whoever clicks.
    const refused = await h.run(declared.reply.buttons?.[0]?.command ?? '', { user: 'U000NOBODY' });
    expect(refused.decision).toBe('denied');
    const clicked = await h.run(declared.reply.buttons?.[0]?.command ?? '');
    expect(clicked.decision).toBe('allowed');
    const rollback = await h.latest();
    expect(rollback.kind).toBe('rollback');
    await h.settle(rollback.id);
    // It is on the incident's timeline, like every change to its services.
    expect((await timelineTexts(h, 1)).some((l) => l.startsWith('rollback api'))).toBe(true);
  });

  it('takes notes and severity changes, resolves once, and then refuses changes with what to do', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "queue backlog" worker');
    const status = await h.run('incident status 1');
    expect(status.reply.fields).toContainEqual({ label: 'Severity', value: 'sev3' }); // the config's default

    expect((await h.run('incident update INC-1 "restarted the consumers"')).decision).toBe('allowed');
    expect((await h.run('incident sev 1 sev2')).reply.title).toBe('INC-1 is sev2 now');
    expect((await h.run('incident sev 1 sev2')).reply.title).toBe('INC-1 is already sev2');
    const resolved = await h.run('incident resolve 1 "consumer pool too small"');
    expect(resolved.reply.title).toBe('Resolved: INC-1 queue backlog');
    expect((await h.run('incidents')).reply.title).toBe('No open incidents');

    const again = await h.run('incident update 1 "late note"');
    expect(again.decision).toBe('invalid');
    expect(again.reply.text).toContain('was resolved');

    const lines = await timelineTexts(h, 1);
    expect(lines).toEqual([
      expect.stringContaining('declared INC-1 (sev3)'),
      expect.stringContaining('“restarted the consumers”'),
      expect.stringContaining('from sev3 to sev2'),
      expect.stringContaining('resolved INC-1: “consumer pool too small”'),
    ]);
  });

  it('is in the environment named with "in": its card says so and a change there scores as on its target', async () => {
    h = await startSandboxHarness();
    await h.run('deploy api v1.2.4 to staging');
    await h.settle((await h.latest()).id);
    const declared = await h.run('incident declare "slow api" sev2 api in stg');
    expect(declared.decision).toBe('allowed');
    expect(declared.reply.fields).toContainEqual({ label: 'Services', value: 'api in staging' });
    expect(declared.reply.text).toContain('api in staging, same as the incident');
    expect((await h.store.incidents.byNumber(1))?.environment).toBe('staging');
  });

  it('corrects an entry with a new one that amends it, the old one kept as it was', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "slow checkout" sev2 api');
    h.clock.advance(5 * 60_000);
    await h.run('incident note 1 "db CPU at 95%"');
    await h.sinksCaughtUp();
    const incident = await h.store.incidents.byNumber(1);
    const noted = (await h.store.incidents.timeline(incident?.id ?? '')).at(-1);
    const minute = noted?.at.toISOString().slice(11, 16) ?? '';
    h.clock.advance(10 * 60_000);

    const amended = await h.run(`incident amend 1 ${minute} it was 85%, on the replica`);
    expect(amended.decision).toBe('allowed');
    const lines = await timelineTexts(h, 1);
    expect(lines).toContain(noted?.text);
    expect(lines.at(-1)).toContain(`corrected the ${minute} entry (“`);
    expect(lines.at(-1)).toContain('db CPU at 95%');
    expect(lines.at(-1)).toContain('it was 85%, on the replica');

    const wrong = await h.run('incident amend 1 03:07 x');
    expect(wrong.decision).toBe('invalid');
    expect(wrong.reply.text).toContain(`no timeline entry at 03:07 UTC; its newest are at`);
    expect((await h.run('incident amend 1 "no time"')).reply.text).toContain('Name the entry by its time');
  });

  it('takes more services: their recent changes are ranked among the suspects and the timeline follows them', async () => {
    h = await startSandboxHarness();
    await h.run('deploy web v2.0.0 to staging');
    await h.settle((await h.latest()).id);
    const declared = await h.run('incident declare "slow checkout" sev2 api');
    expect(declared.reply.text).not.toContain('deploy web v2.0.0');

    const grown = await h.run('incident add 1 web frontend');
    expect(grown.decision).toBe('allowed');
    expect(grown.reply.fields).toContainEqual({ label: 'Services', value: 'api, web' });
    expect(grown.reply.text).toContain('deploy web v2.0.0 to staging');
    expect((await h.run('incident add 1 api')).reply.title).toContain('nothing to change');
    const unknown = await h.run('incident add 1 nosuch');
    expect(unknown.decision).toBe('invalid');
    expect(unknown.reply.text).toContain('nosuch');

    await h.run('deploy web v2.0.1 to staging');
    await h.settle((await h.latest()).id);
    const lines = await timelineTexts(h, 1);
    expect(lines.some((l) => l.includes('added web'))).toBe(true);
    expect(lines.some((l) => l.includes('deploy web v2.0.1'))).toBe(true);
  });

  it.each([
    ['incident declare "x" sev1 api in', 'Name the environment after "in"'],
    ['incident declare "x" sev1 api in staging in production', 'name it once'],
    ['incident declare "x" sev1 api in prodd', 'prodd'],
    ['incident declare "x" sev9 api', 'sev9'],
    ['incident declare checkout down api', 'put the whole title in quotes'],
    ['incident declare "no services" sev1', 'Name the services'],
    ['incident status 99', 'There is no INC-99'],
    ['incident status abc', 'not an incident number'],
    ['incident explode 1', 'incident needs one of'],
  ])('answers "%s" with what to do', async (line, words) => {
    h = await startSandboxHarness();
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('invalid');
    expect(`${outcome.reply.title} ${outcome.reply.text ?? ''}`).toContain(words);
  });

  it.each([
    'incident declare "x" sev1 api',
    'incident update 1 "x"',
    'incident sev 1 sev2',
    'incident resolve 1',
  ])('refuses "%s" to someone without the grant it needs', async (line) => {
    h = await startSandboxHarness();
    await h.run('incident declare "first" sev2 api');
    // A developer may declare (incident:declare) but not change an incident; someone with no role, neither.
    const user = line.includes('declare') ? 'U000MALLORY' : 'U000DEV';
    const outcome = await h.run(line, { user });
    expect(outcome.decision).toBe('denied');
    expect(outcome.reply.text).toContain(line.includes('declare') ? 'incident:declare' : 'incident:manage');
  });

  it('lets a developer declare an incident (incident:declare) but not resolve it', async () => {
    h = await startSandboxHarness();
    expect((await h.run('incident declare "api slow" api', { user: 'U000DEV' })).decision).toBe('allowed');
    expect((await h.run('incident resolve 1', { user: 'U000DEV' })).decision).toBe('denied');
  });

  it('drafts a postmortem quoting the audit entries with their sequence numbers and hashes, which the chain verifies', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "checkout 500s" sev1 api');
    await h.run('incident update 1 "looking at api"');
    await h.run('incident resolve 1 "fixed"');
    await h.sinksCaughtUp();
    const draft = await h.run('incident postmortem 1');
    const text = draft.reply.text ?? '';
    expect(text).toContain('# INC-1: checkout 500s (postmortem draft)');
    expect(text).toContain('deckhand audit verify');
    const verified = await h.store.audit.verify();
    if (!verified.ok) throw new Error('the chain should verify');
    expect(text).toContain(`\`${verified.head}\``);
    // Every quoted entry is in the chain with that hash.
    const chain = new Map<number, string>();
    for await (const entry of h.store.audit.scan()) chain.set(entry.seq, entry.hash);
    const quoted = [...text.matchAll(/^\| (\d+) \|.*\| `([0-9a-f]{64})` \|$/gm)];
    expect(quoted.map((m) => m[0]).join('\n')).toContain('incident declare');
    expect(quoted.length).toBeGreaterThanOrEqual(3);
    for (const m of quoted) expect(chain.get(Number(m[1]))).toBe(m[2]);
  });

  it('keeps markup people typed in a title or a note as text', async () => {
    h = await startSandboxHarness();
    await h.run('incident declare "<!channel> api down <https://evil.example|click>" sev1 api');
    await h.run('incident update 1 "<@U000ADMIN> *look*"');
    // As Slack will get them: what Deckhand wrote is live (the declarer's mention), what people typed is not.
    const slack = (await timelineTexts(h, 1)).map(slackMrkdwn).join('\n');
    expect(slack).toContain('<@U000ADMIN> declared INC-1');
    expect(slack).toContain('&lt;!channel&gt; api down &lt;https://evil.example|click&gt;');
    expect(slack).toContain('“&lt;@U000ADMIN&gt; *look*”');
    expect(slack).not.toContain('<!channel>');
  });
});
