import { createHash } from 'node:crypto';
import { DeckhandError } from '../core/errors.ts';
import type { Operation } from './types.ts';

/**
 * The approval token: what an Approve or Deny button carries besides the operation's id, so a click
 * answers exactly the request the card showed. It is a digest of the operation's kind, service,
 * environment, ref and inputs; if any of them differs, the click is refused. This module writes it into
 * commands and reads it back out of them; nothing else knows its form.
 */

/** The token for an operation: 16 hex digits of a SHA-256 over what is being approved. */
export function approvalToken(op: Operation): string {
  const bound = JSON.stringify([
    op.kind,
    op.service,
    op.environment,
    op.ref,
    Object.entries(op.inputs).sort(),
  ]);
  return createHash('sha256').update(bound).digest('hex').slice(0, 16);
}

/** The command an Approve or Deny button stands for: `approve <id> token=<token>`. */
export function answerCommand(answer: 'approve' | 'deny', op: Operation): string {
  return `${answer} ${op.id} token=${approvalToken(op)}`;
}

/** Which operation an `approve` or `deny` names, and the token it carries, if any. */
export interface OperationRef {
  /** The operation's id, or enough of its start to name it. */
  id: string;
  token: string | undefined;
}

/**
 * Reads the operation a person (or a button) named: `<id>` with an optional `token=<token>`, or
 * `<id>:<token>`, the form buttons carried before they carried their command.
 */
export function readOperationRef(word: string, token?: string): OperationRef {
  const [id = '', legacy] = word.split(':');
  return { id, token: token ?? legacy };
}

/**
 * Refuses an answer whose token does not match the operation as it is now. No token (a typed
 * `approve <id>`) answers whatever the operation is, as the person reading the card intends.
 */
export function checkApprovalToken(op: Operation, token: string | undefined): void {
  if (token !== undefined && token !== approvalToken(op)) {
    throw new DeckhandError(
      'permission_denied',
      'This approval no longer matches the request (its service, environment, version or inputs differ).',
    );
  }
}
