/**
 * One reading of every phrase, or a question (issue 9, cases 9 and 15, and the newcomer's `deploy
 * staging api v1.2.3`): a word that names an environment or a service is never taken as a version,
 * words out of order get the phrase rebuilt as a question, and unknown names are reported before
 * missing ones.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/config/catalog.ts';
import type { Command } from '../../src/core/command.ts';
import { parseArgs } from '../../src/core/grammar.ts';
import { tokenize } from '../../src/core/tokenizer.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { commands } from '../../commands/index.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

const catalog = new Catalog(exampleConfig());

function read(line: string) {
  const [name, ...words] = tokenize(line);
  const command = commands.find((c: Command) => c.name === name?.value);
  if (command === undefined) throw new Error(`no command in ${line}`);
  return parseArgs(command.name, command.grammar, words, catalog);
}

describe('phrases with one reading', () => {
  it.each([
    ['deploy api v1.2.3 to staging', { service: 'api', version: 'v1.2.3', environment: 'staging' }],
    ['deploy api v1.2.3 staging', { service: 'api', version: 'v1.2.3', environment: 'staging' }],
    ['deploy api to prod v1.2.3', { service: 'api', version: 'v1.2.3', environment: 'production' }],
    ['deploy backend v1.2.3 in stg', { service: 'api', version: 'v1.2.3', environment: 'staging' }],
    ['deploy api/feature-x to staging', { service: 'api', version: 'feature-x', environment: 'staging' }],
    ['deploy web@3f2c1e9 to production', { service: 'web', version: '3f2c1e9', environment: 'production' }],
    ['deploy api to staging', { service: 'api', environment: 'staging' }],
    ['deploy api', { service: 'api' }],
    // Quoted, a word is taken as written: a branch may share a name with an environment.
    ['deploy api "prod" to staging', { service: 'api', version: 'prod', environment: 'staging' }],
    ['rollback api prod to v1.2.0', { service: 'api', environment: 'production', to: 'v1.2.0', params: {} }],
    ['rollback api prod to revision 41', { service: 'api', environment: 'production', to: '41', params: {} }],
    [
      'lock api production "db migration" for 2h',
      { service: 'api', environment: 'production', reason: 'db migration', duration: '2h' },
    ],
    [
      'lock api production for 1h 30m "db migration"',
      { service: 'api', environment: 'production', reason: 'db migration', duration: '1h 30m' },
    ],
    [
      'lock api production db migration for 1 hour 30 minutes',
      { service: 'api', environment: 'production', reason: 'db migration', duration: '1 hour 30 minutes' },
    ],
    [
      'lock api production for 2 hours db migration',
      { service: 'api', environment: 'production', reason: 'db migration', duration: '2 hours' },
    ],
    ['can-i deploy api production', { action: 'deploy', service: 'api', environment: 'production' }],
  ])('%s', (line, args) => {
    expect(read(line)).toEqual(args);
  });
});

describe('phrases that get a question, an unknown name, or a refusal, and run nothing', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  it.each([
    // Case 9: an environment where the version goes.
    [
      'deploy api prod',
      '"prod" names the environment production, not a version. Did you mean `deploy api <version> to production`?',
    ],
    [
      'deploy api stg',
      '"stg" names the environment staging, not a version. Did you mean `deploy api <version> to staging`?',
    ],
    ['deploy api production to staging', '"production" names the environment production, not a version.'],
    ['deploy api web', '"web" names the service web, not a version.'],
    // Words in the wrong order.
    [
      'deploy staging api v1.2.3',
      '"staging" names the environment staging, not a service. Did you mean `deploy api v1.2.3 to staging`?',
    ],
    [
      'deploy prod api v1.2.3',
      '"prod" names the environment production, not a service. Did you mean `deploy api v1.2.3 to production`?',
    ],
    [
      'deploy v1.2.3 api to staging',
      '"v1.2.3" is not a service. Did you mean `deploy api v1.2.3 to staging`?',
    ],
    [
      'lock production api "db fix"',
      '"production" names the environment production, not a service. Did you mean `lock api production "db fix"`?',
    ],
    [
      'unlock prod api',
      '"prod" names the environment production, not a service. Did you mean `unlock api production`?',
    ],
    [
      'history production api',
      '"production" names the environment production, not a service. Did you mean `history api production`?',
    ],
    [
      'can-i deploy prod api',
      '"prod" names the environment production, not a service. Did you mean `can-i deploy api production`?',
    ],
    ['rollback api prod to staging', '"staging" names the environment staging, not a version.'],
    [
      'rollback prod api',
      '"prod" names the environment production, not a service. Did you mean `rollback api production`?',
    ],
    // Unknown names before missing ones, with "did you mean".
    [
      'deploy nosuchservice to staging',
      'There is no service called "nosuchservice". Services: api, web, worker.',
    ],
    ['deploy apu to staging', 'There is no service called "apu". Did you mean api?'],
    ['deploy api v1.2.3 to stagign', 'There is no environment called "stagign". Did you mean staging?'],
    ['lock apu', 'There is no service called "apu". Did you mean api?'],
    ['rollback wen', 'There is no service called "wen". Did you mean web?'],
    ['history limit=abc', '"limit=abc" is not a service: history takes no key=value options.'],
    // A keyword with nothing after it.
    ['deploy api to', '"to" needs an environment after it.'],
    ['lock api staging "db fix" for', '"for" needs a duration after it.'],
    ['rollback api staging to', '"to" needs a version after it.'],
    ['can-i deploy api staging as', '"as" needs something after it.'],
    // The version given twice.
    [
      'deploy api/feature-x v2 to staging',
      'Give the version once: either api/feature-x or api v2, not both.',
    ],
  ])('%s', async (line, message) => {
    const outcome = await h.run(line, { user: 'U000ALICE', channel: 'C0DEPLOYS' });
    expect(outcome.decision).toBe('invalid');
    const text = renderText(outcome.reply);
    expect(text).toContain(message.replaceAll('`', ''));
    expect(text).toMatch(/Usage: \/ops /);
    expect(await h.deckhand.store.operations.history({ limit: 5 })).toEqual([]);
    expect(await h.deckhand.locks.list()).toEqual([]);
    const [audited] = await h.deckhand.store.audit.recent({ limit: 1 });
    expect(audited).toMatchObject({ text: line, decision: 'invalid' });
  });
});
