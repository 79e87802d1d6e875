import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mention } from '../../src/core/markup.ts';
import { approvalToken } from '../../src/operations/approval-token.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const DEPLOYS = { channel: 'C0DEPLOYS' };

describe('approvals for protected environments', () => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await startSandboxHarness();
  });
  afterEach(() => h.close());

  async function request(): Promise<string> {
    const outcome = await h.run('deploy api v1.2.3 to prod', { user: 'U000ADMIN', ...DEPLOYS });
    expect(outcome.reply.buttons?.map((b) => b.label)).toEqual(['Approve', 'Deny']);
    return (await h.latest()).id;
  }

  it('waits for a second person with the grant, never the requester, then deploys', async () => {
    const id = await request();
    expect((await h.store.operations.get(id))?.state).toBe('awaiting_approval');
    expect(h.sandbox.github.stats().dispatches).toBe(0);

    const self = await h.run(`approve ${id}`, { user: 'U000ADMIN', ...DEPLOYS });
    expect(self.decision).toBe('denied');
    expect(renderText(self.reply)).toContain('someone else has to approve it');

    const developer = await h.run(`approve ${id}`, { user: 'U000CAROL', ...DEPLOYS });
    expect(developer.decision).toBe('denied');
    expect(renderText(developer.reply)).toContain('None of your roles grants deploy:production');

    const approved = await h.run(`approve ${id.slice(0, 8)}`, { user: 'U000ALICE', ...DEPLOYS });
    expect(approved.decision).toBe('allowed');
    const op = await h.settle(id);
    expect(op).toMatchObject({ state: 'succeeded', approver: 'U000ALICE' });
    expect(h.sandbox.github.stats().dispatches).toBe(1);

    const late = await h.run(`approve ${id}`, { user: 'U000BOB', ...DEPLOYS });
    expect(renderText(late.reply)).toContain('no longer waiting for approval');
  });

  it('binds an approval to exactly what was asked', async () => {
    const id = await request();
    const op = await h.store.operations.get(id);
    const alice = { user: 'U000ALICE', ...DEPLOYS };
    expect((await h.run(`approve ${id} token=0000000000000000`, alice)).decision).toBe('denied');
    // What cards carried before their buttons carried commands: the same token after a colon.
    expect((await h.run(`approve ${id}:0000000000000000`, alice)).decision).toBe('denied');
    expect((await h.run(`approve ${id} token=${approvalToken(op!)}`, alice)).decision).toBe('allowed');
    await h.settle(id);
  });

  it('lets an approval request expire, and releases the target', async () => {
    const id = await request();
    h.clock.advance(31 * 60_000);
    const outcome = await h.run(`approve ${id}`, { user: 'U000ALICE', ...DEPLOYS });
    expect(renderText(outcome.reply)).toContain('expired');
    expect((await h.store.operations.get(id))?.state).toBe('cancelled');
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    expect(h.sandbox.github.stats().dispatches).toBe(0);
  });

  it('records a denial with its reason and releases the target', async () => {
    const id = await request();
    const denied = renderText(
      (await h.run(`deny ${id} "not during the sale"`, { user: 'U000BOB', ...DEPLOYS })).reply,
    );
    // The card says who denied it, not that it needed no approval.
    expect(denied).toMatch(/Denied by\s+@U000BOB/);
    expect(denied).not.toContain('not needed');
    const op = await h.store.operations.get(id);
    expect(op).toMatchObject({
      state: 'cancelled',
      outcome: `Denied by ${mention('U000BOB')}: “not during the sale”`,
    });
    expect(await h.store.locks.list(h.clock.now())).toEqual([]);
    const rows = await h.store.audit.recent({ actor: 'U000BOB' });
    expect(rows[0]).toMatchObject({
      command: 'deny',
      service: 'api',
      environment: 'production',
      decision: 'allowed',
    });
  });

  it('skips approval for a rollback where the config says so', async () => {
    expect((await h.run('rollback api prod to 1', { user: 'U000ALICE', ...DEPLOYS })).decision).toBe(
      'allowed',
    );
    const op = await h.latest();
    expect(op.state).not.toBe('awaiting_approval');
    await h.settle(op.id);
  });
});
