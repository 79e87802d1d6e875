import { z } from 'zod';

/** How a checkpoint is signed: HMAC-SHA256, Ed25519, or not at all (no key was set). */
export type CheckpointAlgorithm = 'hmac-sha256' | 'ed25519' | 'none';

/**
 * The head of the audit chain at one moment, signed, kept outside the database: `count` entries
 * (the head is entry `count`, since seq runs 1, 2, 3…), the head's hash (the genesis hash for an
 * empty log), when, and the signature over `signedText`. One JSON object per line of the checkpoint
 * file; the same line is what the Slack channel receives.
 */
export interface AuditCheckpoint {
  version: 1;
  count: number;
  head: string;
  /** ISO 8601, UTC. */
  at: string;
  algorithm: CheckpointAlgorithm;
  /** Names the key without revealing it (see audit-keys.ts); null when unsigned. */
  keyId: string | null;
  /** base64; null when unsigned. */
  signature: string | null;
}

export const checkpointSchema = z
  .object({
    version: z.literal(1),
    count: z.number().int().nonnegative(),
    head: z.string().regex(/^[0-9a-f]{64}$/),
    at: z.iso.datetime(),
    algorithm: z.enum(['hmac-sha256', 'ed25519', 'none']),
    keyId: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .nullable(),
    signature: z.string().min(1).nullable(),
  })
  .strict()
  .refine((c) => (c.algorithm === 'none') === (c.signature === null && c.keyId === null), {
    message: 'an unsigned checkpoint has neither key id nor signature; a signed one has both',
  });

/**
 * The bytes a signature covers. Every field but the signature, in a fixed order and unambiguous
 * form, so no field can be moved, dropped or swapped (an algorithm or key id included) without the
 * signature failing.
 */
export function signedText(c: Omit<AuditCheckpoint, 'signature'>): string {
  return [
    'deckhand-audit-checkpoint v1',
    `count=${c.count}`,
    `head=${c.head}`,
    `at=${c.at}`,
    `algorithm=${c.algorithm}`,
    `keyId=${c.keyId ?? ''}`,
  ].join('\n');
}

/** One line of the checkpoint file: the checkpoint's fields in a fixed order, no newline inside. */
export function checkpointLine(c: AuditCheckpoint): string {
  return JSON.stringify({
    version: c.version,
    count: c.count,
    head: c.head,
    at: c.at,
    algorithm: c.algorithm,
    keyId: c.keyId,
    signature: c.signature,
  });
}
