import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditKeysFromSettings } from '../../src/audit/audit-keys.ts';
import { checkpointFilePath } from '../../src/audit/checkpoint-file.ts';
import { AuditCheckpointer } from '../../src/audit/checkpointer.ts';
import { checkpointPublishers } from '../../src/cli/checkpoint-publishers.ts';
import type { Output } from '../../src/cli/output.ts';
import { readSettings } from '../../src/config/env.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { exampleConfig } from '../support/example-config.ts';

let slack: FakeSlackApi;
let store: Store;

beforeEach(async () => {
  slack = await startFakeSlackApi({ tokens: ['xoxb-good'] });
  store = await createStore({ sqlitePath: ':memory:' });
});

afterEach(async () => {
  await store.close();
  await slack.close();
});

function quietOutput(lines: string[]): Output {
  return { log: (l) => lines.push(l), err: (l) => lines.push(l), stdout: process.stdout };
}

describe('audit checkpoints in a Slack channel', () => {
  it('posts the exact file line through the chat client, and keeps the file copy when Slack is down', async () => {
    const config = exampleConfig();
    config.audit.checkpoints.slackChannel = 'C0AUDIT';
    const settings = readSettings({
      SLACK_BOT_TOKEN: 'xoxb-good',
      SLACK_API_URL: slack.url,
      DECKHAND_AUDIT_KEY: 'c'.repeat(40),
    });
    const notes: string[] = [];
    const publishers = await checkpointPublishers(config, settings, quietOutput(notes));
    const file = checkpointFilePath(mkdtempSync(join(tmpdir(), 'deckhand-anchor-slack-')));
    const checkpointer = new AuditCheckpointer({
      audit: store.audit,
      file,
      keys: auditKeysFromSettings(settings.audit),
      clock: new ManualClock(),
      logger: pino({ level: 'silent' }),
      everyMs: 3_600_000,
      afterEntries: 1000,
      publishers,
    });
    expect(await checkpointer.write('always')).toMatchObject({
      written: true,
      published: ['Slack channel C0AUDIT'],
    });
    const [post] = slack.callsTo('chat.postMessage');
    const line = readFileSync(file, 'utf8').trim();
    expect(post?.params.channel).toBe('C0AUDIT');
    expect(post?.params.text).toMatch(
      /^Audit checkpoint: 0 entries, head 0{16}…, .*signed hmac-sha256, key [0-9a-f]{16}/,
    );
    expect(String(post?.params.blocks)).toContain(JSON.stringify(`\`\`\`${line}\`\`\``).slice(1, -1));
    expect(String(post?.params.blocks)).not.toContain('c'.repeat(40));
    expect(notes).toEqual([]);

    slack.setDown(true);
    const down = await checkpointer.write('always');
    expect(down).toMatchObject({ written: true, published: [], failed: [{ name: 'Slack channel C0AUDIT' }] });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('says so when a channel is configured but no bot token is set', async () => {
    const config = exampleConfig();
    config.audit.checkpoints.slackChannel = 'C0AUDIT';
    const notes: string[] = [];
    expect(await checkpointPublishers(config, readSettings({}), quietOutput(notes))).toEqual([]);
    expect(notes.join('\n')).toMatch(/slackChannel is C0AUDIT, but SLACK_BOT_TOKEN is not set/);
  });
});
