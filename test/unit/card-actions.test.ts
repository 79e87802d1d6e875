import type { App } from '@slack/bolt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { reply } from '../../src/core/message.ts';
import { commandOfClick, registerCardActions } from '../../src/surfaces/slack/card-actions.ts';
import { renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

type Handler = (args: {
  ack: () => Promise<void>;
  body: { channel?: { id: string }; user: { id: string } };
  action: { action_id: string; value?: string; action_ts: string };
  client: { chat: { postEphemeral: (message: object) => Promise<unknown> } };
}) => Promise<void>;

describe('a button click', () => {
  let h: Harness;
  let handler: Handler | undefined;
  const ephemeral = vi.fn((_message: object) => Promise.resolve({ ok: true }));

  beforeEach(async () => {
    h = await startHarness();
    handler = undefined;
    ephemeral.mockClear();
    const app = {
      action: (_pattern: RegExp, fn: Handler) => {
        handler = fn;
      },
    } as unknown as InstanceType<typeof App>;
    registerCardActions(app, {
      dispatcher: h.deckhand.dispatcher,
      clock: h.clock,
      newId: h.deckhand.newId,
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(() => h.deckhand.stop());

  /** The value Slack sends back for the button, as the renderer put it in the message. */
  function valueOf(command: string): string {
    const { blocks } = renderBlocks(
      reply('info', 'Card', { buttons: [{ actionId: 'op_lock', label: 'Lock', command }] }),
    );
    const actions = (blocks as { elements?: { value?: string }[] }[]).find((b) => b.elements !== undefined);
    return actions?.elements?.[0]?.value ?? '';
  }

  const click = (value: string, actionTs: string, user = 'U000CAROL') =>
    handler!({
      ack: () => Promise.resolve(),
      body: { channel: { id: 'C0DEPLOYS' }, user: { id: user } },
      action: { action_id: 'op_lock', value, action_ts: actionTs },
      client: { chat: { postEphemeral: ephemeral } },
    });

  it('runs the command its button carries, as the clicker, exactly once', async () => {
    const command = 'lock api staging "held from a button" for 1h';
    const value = valueOf(command);
    await Promise.all([click(value, '1772532000.000100'), click(value, '1772532000.000100')]);

    const locks = await h.deckhand.store.locks.list(h.clock.now());
    expect(locks).toMatchObject([
      { service: 'api', environment: 'staging', holder: 'U000CAROL', reason: 'held from a button' },
    ]);
    const audited = await h.deckhand.store.audit.recent({});
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actor: 'U000CAROL',
      surface: 'slack',
      text: command,
      decision: 'allowed',
    });
    expect(ephemeral).not.toHaveBeenCalled();
  });

  it('tells only the clicker when the command was refused', async () => {
    await click(valueOf('lock api staging "mine"'), '1772532000.000200', 'U000MALLORY');
    expect(ephemeral).toHaveBeenCalledTimes(1);
    expect(ephemeral.mock.calls[0]?.[0]).toMatchObject({ channel: 'C0DEPLOYS', user: 'U000MALLORY' });
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });
});

describe('the command a click runs', () => {
  it('is the one its button carries', () => {
    expect(commandOfClick('op_approve', 'approve 3f2c1e9a token=0123456789abcdef')).toBe(
      'approve 3f2c1e9a token=0123456789abcdef',
    );
  });

  it('is still read from the values of cards posted before buttons carried commands', () => {
    expect(commandOfClick('op_approve', '3f2c1e9a:0123456789abcdef')).toBe(
      'approve 3f2c1e9a:0123456789abcdef',
    );
    expect(commandOfClick('op_deny', '3f2c1e9a:0123456789abcdef')).toBe('deny 3f2c1e9a:0123456789abcdef');
    expect(commandOfClick('op_rollback', 'api:staging')).toBe('rollback api staging');
    expect(commandOfClick('op_rollback', '<!here>')).toBeUndefined();
    expect(commandOfClick('op_other', 'api:staging')).toBeUndefined();
  });
});
