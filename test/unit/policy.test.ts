import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mention } from '../../src/core/markup.ts';
import { requestFor } from '../../src/core/policy/actions.ts';
import { grantMatches } from '../../src/core/policy/grants.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

describe('grants', () => {
  it('match exactly, by wildcard, or all', () => {
    expect(grantMatches('deploy:staging', 'deploy:staging')).toBe(true);
    expect(grantMatches('deploy:*', 'deploy:production')).toBe(true);
    expect(grantMatches('runbook:flush-*', 'runbook:flush-cache')).toBe(true);
    expect(grantMatches('runbook:flush-*', 'runbook:restart')).toBe(false);
    expect(grantMatches('*', 'audit:read')).toBe(true);
    expect(grantMatches('deploy:staging', 'deploy:production')).toBe(false);
    expect(grantMatches('deploy:stag.ng', 'deploy:staging')).toBe(false);
  });
});

describe('policy', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  const evaluate = (user: string, action: Parameters<typeof requestFor>[0], env: string, channel = 'shell') =>
    h.deckhand.policy.evaluate({ user, channel }, requestFor(action, 'api', env), h.clock.now());

  it('denies by default and names who could help', async () => {
    const d = await evaluate('U000MALLORY', 'deploy', 'staging');
    expect(d.allowed).toBe(false);
    expect(d.code).toBe('permission_denied');
    expect(d.reason).toBe('none of your roles grants deploy:staging');
    expect(d.helpers).toEqual(expect.arrayContaining(['U000ADMIN', 'S000SRE', 'U000DEV', 'S000DEVS']));
  });

  it('grants through a user group and says which role allowed it', async () => {
    const d = await evaluate('U000ALICE', 'deploy', 'production', 'C0DEPLOYS');
    expect(d.allowed).toBe(true);
    expect(d.checks[0]?.detail).toBe('role sre grants deploy:*');
  });

  it('keeps a developer out of production', async () => {
    expect((await evaluate('U000CAROL', 'deploy', 'staging')).allowed).toBe(true);
    expect((await evaluate('U000CAROL', 'deploy', 'production')).allowed).toBe(false);
  });

  it('refuses a change to production from another channel', async () => {
    const d = await evaluate('U000ALICE', 'deploy', 'production', 'C0RANDOM');
    expect(d.allowed).toBe(false);
    expect(d.code).toBe('wrong_channel');
    expect(d.reason).toContain('<#C0DEPLOYS>');
  });

  it('refuses a deploy during a freeze unless the actor can override it', async () => {
    h.clock.set('2026-11-22T12:00:00Z'); // a Sunday
    const refused = await h.deckhand.policy.evaluate(
      { user: 'U000CAROL', channel: 'shell' },
      { ...requestFor('deploy', 'api', 'production'), permission: 'deploy:staging' },
      h.clock.now(),
    );
    expect(refused.code).toBe('frozen');
    expect(refused.reason).toBe('production is frozen (weekend freeze) until 2026-11-23 00:00 UTC');
    expect(refused.helpers).toContain('S000SRE');
    const overridden = await evaluate('U000ALICE', 'deploy', 'production', 'C0DEPLOYS');
    expect(overridden.allowed).toBe(true);
    expect(overridden.checks.find((c) => c.rule === 'freeze')?.detail).toContain('freeze:override');
  });

  it('refuses a deploy to a target someone else locked, but not to the holder', async () => {
    await h.run('lock api staging "db migration" for 2h', { user: 'U000CAROL' });
    const other = await evaluate('U000ALICE', 'deploy', 'staging');
    expect(other.code).toBe('locked');
    expect(other.reason).toContain(`locked by ${mention('U000CAROL')}`);
    expect(other.reason).toContain('“db migration”');
    expect(other.helpers).toContain('U000CAROL');
    expect((await evaluate('U000CAROL', 'deploy', 'staging')).allowed).toBe(true);
  });

  it('lets a lock lapse when its time is up', async () => {
    await h.run('lock api staging "quick check" for 30m', { user: 'U000CAROL' });
    h.clock.advance(31 * 60_000);
    expect((await evaluate('U000ALICE', 'deploy', 'staging')).allowed).toBe(true);
  });
});
