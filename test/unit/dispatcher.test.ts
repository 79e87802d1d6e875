import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

describe('dispatcher', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  const lastAudit = async () => (await h.deckhand.store.audit.recent({ limit: 1 }))[0];

  it('answers a typo with the closest commands and records it as invalid', async () => {
    const outcome = await h.run('/ops lokc api staging');
    expect(outcome.decision).toBe('invalid');
    expect(renderText(outcome.reply)).toContain('Did you mean lock or locks?');
    expect(await lastAudit()).toMatchObject({
      text: '/ops lokc api staging',
      decision: 'invalid',
      command: null,
    });
  });

  it.each([
    ['a lock reason', (n: number) => `lock api staging "${'x'.repeat(n)}"`],
    ['a version', (n: number) => `deploy api ${'v'.repeat(n)} to staging`],
  ])('refuses %s past 4,000 characters from any surface, and records it once, cut', async (_what, make) => {
    const typed = make(100_000);
    const outcome = await h.run(typed);
    expect(outcome.decision).toBe('invalid');
    const text = renderText(outcome.reply);
    expect(text).toContain('Deckhand reads commands of at most 4000');
    // The answer does not echo the 100,000 characters back.
    expect(text.length).toBeLessThan(1000);
    const rows = await h.deckhand.store.audit.recent({});
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ decision: 'invalid', text: typed.slice(0, 4000) });
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('stores what was typed once: a refusal after the policy allowed it points to the decision', async () => {
    await h.run('lock api staging "first"');
    const typed = `lock api staging "${'long reason '.repeat(100)}"`;
    const outcome = await h.run(typed);

    expect(outcome.decision).toBe('denied');
    const [refusal, decision] = await h.deckhand.store.audit.recent({ limit: 2 });
    expect(decision).toMatchObject({ text: typed, decision: 'allowed', reason: 'allowed by policy' });
    expect(refusal).toMatchObject({
      invocationId: decision?.invocationId,
      text: `(outcome of audit entry #${String(decision?.seq)})`,
      decision: 'denied',
    });
    const rows = await h.deckhand.store.audit.recent({});
    expect(rows.filter((r) => r.text === typed)).toHaveLength(1);
  });

  it('records a request no surface could read once, as invalid, saying why', async () => {
    await h.deckhand.dispatcher.refuse(
      {
        id: 'r-1',
        actor: 'unknown',
        channel: null,
        text: 'lock api',
        surface: 'slack',
        receivedAt: h.clock.now(),
      },
      'user_id is missing',
    );

    expect(await lastAudit()).toMatchObject({
      invocationId: 'r-1',
      actor: 'unknown',
      channel: null,
      decision: 'invalid',
      reason: 'user_id is missing',
    });
    expect(await h.deckhand.store.audit.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('answers a missing argument with the usage and an example', async () => {
    const text = renderText((await h.run('lock api')).reply);
    expect(text).toContain('lock needs an environment.');
    expect(text).toContain('Usage: /ops lock <service> <environment> "reason" [for 2h]');
    expect(text).toContain('Example: /ops lock api production "db migration" for 2h');
  });

  it('refuses a user without a role, says why and who can help, and records the denial', async () => {
    const outcome = await h.run('lock api staging "test"', { user: 'U000MALLORY' });
    expect(outcome.decision).toBe('denied');
    const text = renderText(outcome.reply);
    expect(text).toContain('None of your roles grants lock:staging.');
    expect(text).toContain('Who can help: @U000ADMIN');
    expect(await lastAudit()).toMatchObject({
      actor: 'U000MALLORY',
      decision: 'denied',
      service: 'api',
      environment: 'staging',
      reason: 'none of your roles grants lock:staging',
    });
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('locks, refuses a second lock, and lets only the holder or an overrider unlock', async () => {
    expect((await h.run('lock api staging "load test" for 2h', { user: 'U000CAROL' })).reply.visibility).toBe(
      'channel',
    );
    const again = await h.run('lock api staging "mine"', { user: 'U000ALICE' });
    expect(again.decision).toBe('denied');
    expect(renderText(again.reply)).toContain('already locked by @U000CAROL');

    const stranger = await h.run('unlock api staging', { user: 'U000DEV' });
    expect(stranger.decision).toBe('denied');
    expect(renderText(stranger.reply)).toContain('Only they, or someone with lock:override');

    const override = await h.run('unlock api staging', { user: 'U000ALICE' });
    expect(override.decision).toBe('allowed');
    expect(renderText(override.reply)).toContain('released with lock:override');
    expect(await h.deckhand.store.locks.list(h.clock.now())).toEqual([]);
  });

  it('lists locks with holder, reason and expiry', async () => {
    await h.run('lock web prod "db migration" for 2h');
    const text = renderText((await h.run('locks')).reply);
    expect(text).toMatch(
      /web\s+production\s+@U000ADMIN\s+2026-11-24 10:00 UTC\s+2026-11-24 12:00 UTC\s+db migration/,
    );
  });

  it('runs the same idempotency key once', async () => {
    const invocation = {
      id: 'a',
      actor: 'U000ADMIN',
      channel: 'shell',
      text: 'lock api staging "once"',
      surface: 'shell' as const,
      idempotencyKey: 'slack:trigger:123',
      receivedAt: h.clock.now(),
    };
    const first = await h.deckhand.dispatcher.dispatch(invocation);
    const second = await h.deckhand.dispatcher.dispatch({ ...invocation, id: 'b' });
    expect(first.fresh).toBe(true);
    expect(second.fresh).toBe(false);
    expect(await h.deckhand.store.audit.recent({})).toHaveLength(1);
  });

  it('shows the audit trail to those with audit:read, filtered', async () => {
    await h.run('lock api staging "x"', { user: 'U000MALLORY' });
    await h.run('whoami', { user: 'U000CAROL' });
    const text = renderText((await h.run('audit decision=denied', { user: 'U000ALICE' })).reply);
    expect(text).toContain('@U000MALLORY');
    expect(text).not.toContain('whoami');
    const bad = await h.run('audit colour=red', { user: 'U000ALICE' });
    expect(renderText(bad.reply)).toContain('audit does not take colour=.');
  });

  it('explains a decision rule by rule with can-i', async () => {
    await h.run('lock api production "db migration"', { user: 'U000BOB' });
    const text = renderText(
      (await h.run('can-i deploy api prod', { user: 'U000ALICE', channel: 'C0DEPLOYS' })).reply,
    );
    expect(text).toContain('You cannot deploy api in production');
    expect(text).toContain('✓ grant: role sre grants deploy:*');
    expect(text).toContain('✗ lock: api in production is locked by @U000BOB');
    const other = renderText((await h.run('can-i deploy api staging as <@U000CAROL|carol>')).reply);
    expect(other).toContain('@U000CAROL can deploy api in staging');
  });

  it('keeps the audit chain verifiable across many kinds of entries', async () => {
    for (const line of ['help', 'lokc', 'lock api staging "a"', 'unlock api staging', 'whoami'])
      await h.run(line);
    expect(await h.deckhand.store.audit.verify()).toMatchObject({ ok: true, count: 5 });
  });
});
