/**
 * Every argument mistake is answered with a sentence saying what was wrong, the usage and an example;
 * never a schema library's wording (the newcomer's `history limit=abc`, `audit limit=abc`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

describe('argument mistakes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  it.each([
    ['audit limit=abc', 'limit= must be a number, not "abc".'],
    ['audit limit=0', 'limit= must be at least 1, not "0".'],
    ['audit limit=2.5', 'limit= must be a whole number, not "2.5".'],
    ['audit limit=1000', 'limit= is at most 100; export more with: deckhand audit export.'],
    ['audit decision=maybe', 'decision= must be one of allowed, denied, invalid, failed, not "maybe".'],
    ['audit colour=red', 'audit does not take colour=.'],
    ['audit since=soon', '"soon" is not a duration.'],
    ['audit user=alice', '"alice" is not a Slack user; mention them: user=@name'],
    ['history limit=abc', '"limit=abc" is not a service: history takes no key=value options.'],
    ['history', 'history needs a service.'],
    [
      'can-i fly api staging',
      'action must be one of deploy, rollback, lock, unlock, approve, deny, cancel, not "fly".',
    ],
    ['lock api', 'lock needs an environment.'],
    ['lock api staging', 'Say why, in quotes: people who are refused will read it.'],
    ['lock api staging "x" for soon', '"soon" is not a duration.'],
    ['approve', 'approve needs an operation.'],
    ['deny', 'deny needs an operation.'],
    ['rollback api', 'rollback needs an environment.'],
    ['rollback api staging colour=red', 'rollback does not take colour=.'],
    ['deploy', 'deploy needs a service.'],
    ['unlock api', 'unlock needs an environment.'],
    ['whoami now', 'I did not understand "now".'],
  ])('%s', async (line, sentence) => {
    const outcome = await h.run(line, { user: 'U000ALICE' });
    expect(outcome.decision).toBe('invalid');
    const text = renderText(outcome.reply);
    expect(text).toContain(sentence);
    expect(text).toMatch(/\n {2}Usage: \/ops \S.*\n {2}Example: \/ops \S/);
    expect(text).not.toMatch(
      /Invalid input|Invalid option|expected \w+, received|NaN|Too (small|big)|Unrecognized key/,
    );
  });
});

describe('can-i explains what the commands it names would decide', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  it.each([
    [
      'can-i approve api production',
      'U000CAROL',
      'C0DEPLOYS',
      'You cannot approve api in production',
      '✗ grant: none of your roles grants deploy:production',
    ],
    [
      'can-i approve api production',
      'U000ALICE',
      'C0DEPLOYS',
      'You can approve api in production',
      '✓ grant: role sre grants deploy:*',
    ],
    [
      'can-i deny api production',
      'U000ALICE',
      'C0DEPLOYS',
      'You can deny api in production',
      '✓ channel: production accepts changes from this channel',
    ],
    [
      'can-i approve api production',
      'U000ALICE',
      'C0ELSEWHERE',
      'You cannot approve api in production',
      '✗ channel: changes to production are only taken in',
    ],
    [
      'can-i approve api production as @U000CAROL',
      'U000ALICE',
      'C0DEPLOYS',
      '@U000CAROL cannot approve api in production',
      '✗ grant',
    ],
  ])('%s as %s in %s', async (line, user, channel, title, check) => {
    const outcome = await h.run(line, { user, channel });
    expect(outcome.decision).toBe('allowed');
    const text = renderText(outcome.reply);
    expect(text).toContain(title);
    expect(text).toContain(check);
  });

  it('says a frozen environment holds back deploys but not rollbacks, as the commands do', async () => {
    // A Saturday: the weekend freeze is in force in production.
    h.clock.set(new Date('2026-11-28T10:00:00Z'));
    const deploy = renderText(
      (await h.run('can-i deploy api production', { user: 'U000CAROL', channel: 'C0DEPLOYS' })).reply,
    );
    expect(deploy).toContain('✗ freeze: production is frozen (weekend freeze)');
    const rollback = renderText(
      (await h.run('can-i rollback api production', { user: 'U000ALICE', channel: 'C0DEPLOYS' })).reply,
    );
    expect(rollback).not.toContain('freeze');
    expect(rollback).toContain('You can rollback api in production');
  });

  it.each([
    ['deploy api v1.2.3 to staging'],
    ['rollback api staging'],
    ['lock api staging "x"'],
    ['unlock api staging'],
  ])('a refused %s suggests a can-i that answers, rather than one it cannot', async (line) => {
    const refused = renderText((await h.run(line, { user: 'U000MALLORY' })).reply);
    const suggestion = /See every rule with: \/ops (can-i .*)/.exec(refused)?.[1];
    expect(suggestion).toBeDefined();
    const answered = await h.run(suggestion!, { user: 'U000MALLORY' });
    expect(answered.decision).toBe('allowed');
    expect(renderText(answered.reply)).toMatch(/You cannot \w+ api in staging/);
  });
});
