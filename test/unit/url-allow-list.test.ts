import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, validateConfigText } from '../../src/config/load-config.ts';
import { isDeckhandError } from '../../src/core/errors.ts';
import { isUrlAllowed, resolveCheckUrl, urlProblem } from '../../src/runbooks/url-allow-list.ts';

const ALLOW = ['https://status.acme.com/healthz', 'https://api.acme.com/v1/', 'sandbox:/api/'];

describe('the http.check allow-list', () => {
  it.each([
    'https://status.acme.com/healthz',
    'https://status.acme.com/healthz/deep',
    'https://status.acme.com/healthz?verbose=1',
    'https://STATUS.acme.com:443/healthz',
    'https://api.acme.com/v1/ping',
    'sandbox:/api/staging/healthz',
  ])('allows %s', (url) => {
    expect(isUrlAllowed(url, ALLOW)).toBe(true);
  });

  it.each([
    'https://status.acme.com/healthzz',
    'https://status.acme.com/admin',
    'https://status.acme.com/healthz/../admin',
    'https://status.acme.com/healthz/%2e%2e/admin',
    'http://status.acme.com/healthz',
    'https://status.acme.com:8443/healthz',
    'https://status.acme.com.evil.com/healthz',
    'https://status.acme.com@evil.com/healthz',
    'https://user:pw@status.acme.com/healthz',
    'https://api.acme.com/v1',
    'sandbox:/api/../worker/staging/healthz',
    'sandbox:/web/staging/healthz',
    'sandbox://api/staging/healthz',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isUrlAllowed(url, ALLOW)).toBe(false);
  });

  it.each([
    ['https://status.acme.com/?x=1', /has a query or fragment/],
    ['ftp://files.acme.com/', /uses ftp:/],
    ['https://u@status.acme.com/', /carries a user name or password/],
    ['sandbox:api/', /is not a sandbox URL/],
    ['status.acme.com/healthz', /is not a URL/],
  ])('refuses %s as an entry in deckhand.yml', (entry, message) => {
    expect(urlProblem(entry, 'entry')).toMatch(message);
  });

  it('turns sandbox: URLs into the sandbox endpoints, and refuses them against real systems', () => {
    expect(resolveCheckUrl('sandbox:/api/staging/healthz?x=1', { sandbox: 'http://127.0.0.1:4321' })).toBe(
      'http://127.0.0.1:4321/api/staging/healthz?x=1',
    );
    expect(resolveCheckUrl('https://status.acme.com/healthz', { sandbox: 'http://127.0.0.1:4321' })).toBe(
      'https://status.acme.com/healthz',
    );
    let caught: unknown;
    try {
      resolveCheckUrl('sandbox:/api/staging/healthz', {});
    } catch (error) {
      caught = error;
    }
    expect(isDeckhandError(caught) && caught.code).toBe('config_invalid');
    expect(isDeckhandError(caught) && caught.userMessage).toMatch(
      /is on the built-in sandbox, and Deckhand is running against real systems/,
    );
  });
});

describe('runbooks.httpAllow in deckhand.yml', () => {
  const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');

  it('names the line and the entry that is not a URL prefix', () => {
    const text = example.replace('    - sandbox:/web/', '    - https://ops:hunter2@status.acme.com/');
    const line = text.split('\n').findIndex((l) => l.includes('status.acme.com')) + 1;
    const result = validateConfigText(text, 'deckhand.yml');
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      `deckhand.yml:${line}  runbooks.httpAllow[1]: a URL on https://status.acme.com carries a user name or password; credentials never go in a checked URL`,
    ]);
  });

  it('defaults to the runbooks directory and an empty allow-list', () => {
    const result = validateConfigText(example.replace(/^runbooks:[\s\S]*?\n\n/m, ''), 'deckhand.yml');
    expect(result.ok && result.config.runbooks).toEqual({ dir: 'runbooks', httpAllow: [] });
  });
});
