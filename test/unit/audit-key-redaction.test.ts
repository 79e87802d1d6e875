import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditKeysFromSettings } from '../../src/audit/audit-keys.ts';
import { readSettings } from '../../src/config/env.ts';
import { isDeckhandError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/logger.ts';

const HMAC = 'f0e1d2c3b4a5968778695a4b3c2d1e0f-secret';
const PRIVATE = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PRIVATE_BODY = PRIVATE.split('\n')[1] ?? '';

function logged(fields: object): string {
  const lines: string[] = [];
  createLogger('info', { write: (line: string) => void lines.push(line) }).info(fields, 'starting');
  return lines.join('');
}

describe('audit keys never reach the logs', () => {
  const settings = readSettings({ DECKHAND_AUDIT_KEY: HMAC, DECKHAND_AUDIT_PRIVATE_KEY: PRIVATE });

  it.each([
    ['the settings', { settings }],
    ['the audit settings', { audit: settings.audit }],
    ['a bare hmacKey field', { hmacKey: HMAC }],
    ['the keys built from them', { keys: auditKeysFromSettings(settings.audit) }],
  ])('redacts %s', (_name, fields) => {
    const line = logged(fields);
    expect(line).not.toContain(HMAC);
    expect(line).not.toContain(PRIVATE_BODY);
  });

  it.each([
    [{ hmacKey: 'short', privateKey: undefined, publicKey: undefined }, /DECKHAND_AUDIT_KEY is too short/],
    [
      { hmacKey: undefined, privateKey: 'not a pem', publicKey: undefined },
      /DECKHAND_AUDIT_PRIVATE_KEY is not an Ed25519 private key/,
    ],
    [
      { hmacKey: undefined, privateKey: undefined, publicKey: 'not a pem' },
      /DECKHAND_AUDIT_PUBLIC_KEY is not an Ed25519 public key/,
    ],
    [
      { hmacKey: undefined, privateKey: undefined, publicKey: PRIVATE },
      /DECKHAND_AUDIT_PUBLIC_KEY holds a private key/,
    ],
  ])('refuses a malformed key without repeating it (case %#)', (audit, message) => {
    let error: unknown;
    try {
      auditKeysFromSettings(audit);
    } catch (caught) {
      error = caught;
    }
    expect(isDeckhandError(error) && error.code === 'config_invalid' ? error.userMessage : '').toMatch(
      message,
    );
    expect((error as Error).message).not.toContain(PRIVATE_BODY);
  });
});
