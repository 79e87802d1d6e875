import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { githubCredentialsFrom } from '../../src/config/github-credentials.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { DeckhandError } from '../../src/core/errors.ts';
import { InstallationTokenCache } from '../../src/github/installation-token-cache.ts';
import { appKeys } from '../support/github-app-keys.ts';

const keys = appKeys();
const pkcs8 = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

const app = (env: Record<string, string>) =>
  githubCredentialsFrom(
    readSettings({
      GITHUB_APP_ID: '12345',
      GITHUB_APP_PRIVATE_KEY: keys.privatePem,
      GITHUB_APP_INSTALLATION_ID: '678',
      ...env,
    }),
  );

function refusal(env: Record<string, string>): DeckhandError {
  try {
    app(env);
  } catch (error) {
    expect(error).toBeInstanceOf(DeckhandError);
    return error as DeckhandError;
  }
  throw new Error('the settings were accepted');
}

describe('GitHub credentials from the environment', () => {
  it('uses the sandbox without any, a token when set, and the app from all three variables', () => {
    expect(githubCredentialsFrom(readSettings({}))).toBeUndefined();
    expect(githubCredentialsFrom(readSettings({ GITHUB_TOKEN: 'ghp_x' }))).toEqual({
      kind: 'token',
      token: 'ghp_x',
    });
    expect(app({})).toEqual({ kind: 'app', appId: 12345, privateKey: pkcs8, installationId: 678 });
    expect(app({ GITHUB_APP_ID: 'Iv1.0123456789abcdef' })).toMatchObject({ appId: 'Iv1.0123456789abcdef' });
  });

  // The forms a key arrives in: the .pem as GitHub gives it, PKCS#8, and on one line with \n escapes.
  const forms: Array<[string, string]> = [
    ['PKCS#1 with line breaks', keys.privatePem],
    ['PKCS#8', pkcs8],
    ['on one line with \\n escapes', keys.privatePem.trim().replaceAll('\n', '\\n')],
    ['with \\r\\n escapes', keys.privatePem.trim().replaceAll('\n', '\\r\\n')],
    ['with Windows line breaks', keys.privatePem.replaceAll('\n', '\r\n')],
  ];
  it.each(forms)('accepts a private key %s, and hands on the same key as PKCS#8', (_name, value) => {
    const credentials = app({ GITHUB_APP_PRIVATE_KEY: value });
    const pem = credentials?.kind === 'app' ? credentials.privateKey : '';
    expect(pem).toBe(pkcs8);
    expect(createPrivateKey(pem).equals(keys.privateKey)).toBe(true);
  });

  // Each mistake, and the message that says which variable to fix (never quoting the key).
  const mistakes: Array<[string, Record<string, string>, RegExp]> = [
    [
      'a missing private key and installation',
      { GITHUB_APP_PRIVATE_KEY: '', GITHUB_APP_INSTALLATION_ID: ' ' },
      /^A GitHub App needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID; GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID are not set\./,
    ],
    ['a missing app ID', { GITHUB_APP_ID: '' }, /; GITHUB_APP_ID is not set\./],
    [
      'an app ID that is a name',
      { GITHUB_APP_ID: 'deckhand-bot' },
      /^GITHUB_APP_ID must be the app's App ID/,
    ],
    [
      'an installation ID that is a URL',
      { GITHUB_APP_INSTALLATION_ID: 'https://github.com/settings/installations/678' },
      /^GITHUB_APP_INSTALLATION_ID must be a number/,
    ],
    [
      'a private key that is not PEM',
      { GITHUB_APP_PRIVATE_KEY: 'hunter2' },
      /^GITHUB_APP_PRIVATE_KEY is not a PEM private key/,
    ],
    [
      'a truncated private key',
      { GITHUB_APP_PRIVATE_KEY: keys.privatePem.slice(0, 200) },
      /^GITHUB_APP_PRIVATE_KEY is not a PEM private key/,
    ],
    [
      'the public key',
      { GITHUB_APP_PRIVATE_KEY: keys.publicPem },
      /^GITHUB_APP_PRIVATE_KEY is not a PEM private key/,
    ],
    [
      'an EC key',
      { GITHUB_APP_PRIVATE_KEY: ecKey },
      /^GITHUB_APP_PRIVATE_KEY holds a key of type ec; GitHub Apps sign with RSA/,
    ],
  ];
  it.each(mistakes)('refuses %s, saying what to fix', (_name, env, message) => {
    const error = refusal(env);
    expect(error.code).toBe('config_invalid');
    expect(error.userMessage).toMatch(message);
    expect(error.userMessage).not.toContain(keys.privatePem.split('\n')[2]);
  });
});

describe('the installation token cache', () => {
  it('serves a token for 59 minutes by its clock, then asks for a new one', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const cache = new InstallationTokenCache(clock);
    cache.set('678', 'ghs_a|…');
    clock.advance(59 * 60_000 - 1);
    expect(cache.get('678')).toBe('ghs_a|…');
    clock.advance(1);
    expect(cache.get('678')).toBeUndefined();
  });

  it('forgets a token GitHub refused', () => {
    const cache = new InstallationTokenCache(new ManualClock());
    cache.set('678', 'ghs_a|…');
    cache.forget();
    expect(cache.get('678')).toBeUndefined();
  });
});
