import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import type { Settings } from '../config/env.ts';
import { DeckhandError } from '../core/errors.ts';
import { signedText, type AuditCheckpoint, type CheckpointAlgorithm } from './checkpoint.ts';

/** Shortest HMAC secret accepted: 32 characters, e.g. `openssl rand -hex 32` gives 64. */
export const MIN_HMAC_KEY_LENGTH = 32;

/** One key that can check signatures (and, for a signer, make them). */
export interface CheckpointKey {
  algorithm: Exclude<CheckpointAlgorithm, 'none'>;
  /** 16 hex digits naming the key; derived one-way, so it says which key without giving it away. */
  keyId: string;
  verify(text: string, signature: Buffer): boolean;
}

export interface CheckpointSigner extends CheckpointKey {
  sign(text: string): Buffer;
}

/**
 * The keys of this process: the one it signs checkpoints with (none: checkpoints are written
 * unsigned) and every key it can check them with, by key id. Key material lives only inside
 * `KeyObject`s and closures here, never in a property a logger could print.
 */
export interface AuditKeys {
  signer: CheckpointSigner | null;
  verifiers: ReadonlyMap<string, CheckpointKey>;
  /** Which environment variables were set, for messages (never their values). */
  configured: string[];
}

/**
 * The audit keys from the environment (`Settings.audit`):
 * - `DECKHAND_AUDIT_KEY`: an HMAC-SHA256 secret (at least 32 characters). Simple: one secret signs
 *   and verifies, so whoever can verify can also sign.
 * - `DECKHAND_AUDIT_PRIVATE_KEY`: an Ed25519 private key (PKCS#8 PEM; `openssl genpkey -algorithm
 *   ed25519`). Signs in preference to the HMAC secret; its public half verifies.
 * - `DECKHAND_AUDIT_PUBLIC_KEY`: an Ed25519 public key (SPKI PEM; `openssl pkey -pubout`), enough
 *   for an auditor to verify checkpoints without being able to forge one.
 * A PEM may have its line breaks written as `\n`, as some secret stores require.
 *
 * @throws DeckhandError `config_invalid` naming the variable when a key is malformed or too short.
 */
export function auditKeysFromSettings(audit: Settings['audit']): AuditKeys {
  const verifiers = new Map<string, CheckpointKey>();
  const configured: string[] = [];
  let signer: CheckpointSigner | null = null;
  if (audit.hmacKey !== undefined) {
    configured.push('DECKHAND_AUDIT_KEY');
    const key = hmacKey(audit.hmacKey);
    verifiers.set(key.keyId, key);
    signer = key;
  }
  if (audit.publicKey !== undefined) {
    configured.push('DECKHAND_AUDIT_PUBLIC_KEY');
    const key = ed25519Verifier(readPublicKey(audit.publicKey));
    verifiers.set(key.keyId, key);
  }
  if (audit.privateKey !== undefined) {
    configured.push('DECKHAND_AUDIT_PRIVATE_KEY');
    const key = ed25519Signer(readPrivateKey(audit.privateKey));
    verifiers.set(key.keyId, key);
    signer = key;
  }
  return { signer, verifiers, configured };
}

/** No keys at all: checkpoints are written unsigned, and signed ones cannot be checked. */
export const NO_AUDIT_KEYS: AuditKeys = { signer: null, verifiers: new Map(), configured: [] };

/** Signs a checkpoint of `count` entries ending at `head`, at `at`, with the signer if there is one. */
export function signCheckpoint(
  keys: AuditKeys,
  head: { count: number; head: string; at: Date },
): AuditCheckpoint {
  const signer = keys.signer;
  const unsigned = {
    version: 1 as const,
    count: head.count,
    head: head.head,
    at: head.at.toISOString(),
    algorithm: signer?.algorithm ?? ('none' as const),
    keyId: signer?.keyId ?? null,
  };
  return {
    ...unsigned,
    signature: signer === null ? null : signer.sign(signedText(unsigned)).toString('base64'),
  };
}

/** What checking one checkpoint's signature found. */
export type SignatureCheck =
  | { status: 'valid'; key: CheckpointKey }
  | { status: 'unsigned' }
  | { status: 'invalid' }
  | { status: 'no-key' };

export function checkSignature(keys: AuditKeys, checkpoint: AuditCheckpoint): SignatureCheck {
  if (checkpoint.algorithm === 'none' || checkpoint.signature === null || checkpoint.keyId === null) {
    return { status: 'unsigned' };
  }
  const key = keys.verifiers.get(checkpoint.keyId);
  if (key === undefined || key.algorithm !== checkpoint.algorithm) return { status: 'no-key' };
  const signature = Buffer.from(checkpoint.signature, 'base64');
  return key.verify(signedText(checkpoint), signature) ? { status: 'valid', key } : { status: 'invalid' };
}

function hmacKey(secret: string): CheckpointSigner {
  if (secret.length < MIN_HMAC_KEY_LENGTH) {
    throw new DeckhandError(
      'config_invalid',
      `DECKHAND_AUDIT_KEY is too short to sign audit checkpoints: use at least ${MIN_HMAC_KEY_LENGTH} random characters, for example the output of \`openssl rand -hex 32\`.`,
    );
  }
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const mac = (text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();
  return {
    algorithm: 'hmac-sha256',
    keyId: mac('deckhand audit key id').toString('hex').slice(0, 16),
    sign: mac,
    verify: (text, signature) => {
      const expected = mac(text);
      return signature.length === expected.length && timingSafeEqual(signature, expected);
    },
  };
}

function ed25519Verifier(publicKey: KeyObject): CheckpointKey {
  return {
    algorithm: 'ed25519',
    keyId: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 16),
    verify: (text, signature) => verify(null, Buffer.from(text, 'utf8'), publicKey, signature),
  };
}

function ed25519Signer(privateKey: KeyObject): CheckpointSigner {
  return {
    ...ed25519Verifier(createPublicKey(privateKey)),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey),
  };
}

function readPrivateKey(pem: string): KeyObject {
  try {
    const key = createPrivateKey(unescapePem(pem));
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // Reported below, without the key's text.
  }
  throw new DeckhandError(
    'config_invalid',
    'DECKHAND_AUDIT_PRIVATE_KEY is not an Ed25519 private key in PEM. Make one with `openssl genpkey -algorithm ed25519`.',
  );
}

function readPublicKey(pem: string): KeyObject {
  // Node derives a public key from a private one without a word; a private key here would be a
  // secret in a variable meant to be handed to auditors.
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new DeckhandError(
      'config_invalid',
      'DECKHAND_AUDIT_PUBLIC_KEY holds a private key: put only the public half there (`openssl pkey -in private.pem -pubout`), and keep the private key in DECKHAND_AUDIT_PRIVATE_KEY where Deckhand signs.',
    );
  }
  try {
    const key = createPublicKey(unescapePem(pem));
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // Reported below.
  }
  throw new DeckhandError(
    'config_invalid',
    'DECKHAND_AUDIT_PUBLIC_KEY is not an Ed25519 public key in PEM. Derive it with `openssl pkey -in private.pem -pubout`.',
  );
}

function unescapePem(pem: string): string {
  return pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem;
}
