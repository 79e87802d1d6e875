/**
 * What a person typed in Slack is what Deckhand reads (issue 9, case 8 and its siblings): Slack sends
 * `&`, `<` and `>` as entities and wraps links it recognised; signed slash commands through Bolt show
 * the workflow, the lock and the audit log receive the text as typed.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { isFinal, type Operation } from '../../src/operations/types.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startSandboxWorld, type SandboxWorld } from '../fakes/sandbox-world.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';
import { simulatorClient } from '../support/github-sim-client.ts';

const SIGNING_SECRET = 'test-signing-secret-71c0aa';
const WEEKDAY = '2026-03-03T10:00:00Z';
const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');
/** The example config, with api accepting `&` in the versions people deploy. */
const AMPERSAND_CONFIG = example.replace(
  '    description: The public REST API\n',
  "    description: The public REST API\n    refPattern: '[A-Za-z0-9._/+&-]+'\n",
);

let slack: FakeSlackApi | undefined;
let world: SandboxWorld | undefined;
let stack: DeckhandStack | undefined;

afterEach(async () => {
  await world?.close();
  await stack?.deckhand.runner.idle();
  await stack?.close();
  await slack?.close();
  world = undefined;
  stack = undefined;
  slack = undefined;
});

async function start(config: ConfigFile): Promise<{ stack: DeckhandStack; world: SandboxWorld }> {
  slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE', 'U000BOB'] } });
  const clock = new ManualClock(WEEKDAY);
  world = await startSandboxWorld(config, clock);
  stack = await startDeckhandStack({
    slack,
    clock,
    config,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    world: {
      github: world.github,
      kubernetes: world.kubernetes,
      sleep: world.sleep,
      timing: { pollMs: 1000, findRunTimeoutMs: 120_000, expectWebhooks: false },
      webhookSecret: 'unused-webhook-secret',
    },
  });
  return { stack, world };
}

/** A slash command as Slack sends it: `sent` is the text field, already escaped the way Slack escapes. */
const slash = (s: DeckhandStack, sent: string) =>
  sendSlashCommand(
    s.baseUrl,
    { text: sent, userId: 'U000ADMIN', channelId: 'C0DEPLOYS', responseUrl: slack?.responseUrl() },
    { signingSecret: SIGNING_SECRET },
  );

async function settle(s: DeckhandStack, w: SandboxWorld, id: string): Promise<Operation> {
  for (let step = 0; step < 300; step++) {
    const op = await s.deckhand.store.operations.get(id);
    if (op !== null && isFinal(op.state)) {
      await s.deckhand.runner.idle();
      return op;
    }
    await w.step(1000);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`operation ${id} did not settle`);
}

describe('Slack text as typed', () => {
  it('hands fix/a&b to the workflow as typed, not fix/a&amp;b (case 8)', async () => {
    const { stack: s, world: w } = await start(parseConfigText(AMPERSAND_CONFIG, 'deckhand.yml'));
    const res = await slash(s, 'deploy api fix/a&amp;b to staging');
    expect(res.status).toBe(200);
    expect(visibleText(asReply(res.body))).toContain('Deploy api fix/a&');
    const [started] = await s.deckhand.store.operations.history({ limit: 1 });
    const op = await settle(s, w, started!.id);
    expect(op).toMatchObject({ ref: 'fix/a&b', inputs: { version: 'fix/a&b', environment: 'staging' } });
    const runs = await simulatorClient(w.sandbox.github).call('/repos/acme/api/actions/runs');
    expect(JSON.stringify(runs.body)).toContain('deploy fix/a&b to staging');
    expect(JSON.stringify(runs.body)).not.toContain('&amp;');
    const [audited] = await s.deckhand.store.audit.recent({ limit: 1, decision: 'allowed' });
    expect(audited?.text).toBe('deploy api fix/a&b to staging');
  });

  it('refuses fix/a&b by the default rule, showing the & that was typed', async () => {
    const { stack: s } = await start(parseConfigText(example, 'deckhand.yml'));
    const res = await slash(s, 'deploy api fix/a&amp;b to staging');
    // Slack's mrkdwn escapes `&` as `&amp;`, which Slack shows as `&`.
    expect(visibleText(asReply(res.body))).toContain(
      'Deckhand will not send "fix/a&amp;b" as a version: it contains "&amp;".',
    );
    expect(await s.deckhand.store.operations.history({ limit: 1 })).toEqual([]);
    const [audited] = await s.deckhand.store.audit.recent({ limit: 1 });
    expect(audited).toMatchObject({ text: 'deploy api fix/a&b to staging', decision: 'invalid' });
    expect(audited?.reason).toContain('Deckhand will not send "fix/a&b" as a version: it contains "&".');
  });

  it.each([
    ['lock api staging "a &lt;b&gt; &amp;&amp; c"', 'a <b> && c'],
    ['lock api staging "&amp;lt; is how Slack writes &lt;"', '&lt; is how Slack writes <'],
    [
      'lock api staging "see <https://status.example/incidents?id=7&amp;x=1>"',
      'see https://status.example/incidents?id=7&x=1',
    ],
    ['lock api staging "ask <mailto:ops@example.com|ops@example.com>"', 'ask ops@example.com'],
    ['lock api staging „db fix first“', 'db fix first'],
  ])('a lock from %j holds the reason %j', async (sent, reason) => {
    const { stack: s } = await start(parseConfigText(example, 'deckhand.yml'));
    expect((await slash(s, sent)).status).toBe(200);
    const [lock] = await s.deckhand.locks.list();
    expect(lock?.reason).toBe(reason);
  });

  it('shows an entity that was typed as typed: &lt; stays &lt; on the card', async () => {
    const { stack: s } = await start(parseConfigText(example, 'deckhand.yml'));
    const res = await slash(s, 'lock api staging "&amp;lt;br&amp;gt; broke the page"');
    // Slack's mrkdwn for the text `&lt;br&gt;`: Slack shows it as typed.
    expect(visibleText(asReply(res.body))).toContain('&amp;lt;br&amp;gt; broke the page');
  });
});
