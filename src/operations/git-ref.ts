import { DeckhandError } from '../core/errors.ts';

/**
 * git's ref-name rules (git check-ref-format), checked by hand because no maintained package does
 * exactly this; a ref reaches GitHub as a workflow input and must never carry anything else.
 */
export function assertRefName(ref: string): string {
  const bad =
    ref === '' ||
    ref.length > 200 ||
    ref.startsWith('-') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.includes('..') ||
    ref.includes('//') ||
    ref.includes('@{') ||
    ref === '@' ||
    /[\s~^:?*[\\]/.test(ref) ||
    /\p{Cc}/u.test(ref) ||
    ref.split('/').some((part) => part.startsWith('.'));
  if (bad) {
    throw new DeckhandError(
      'invalid_arguments',
      `"${ref}" is not a valid version or git ref. Use a tag like v1.4.2, a branch like feature-x, or a commit sha.`,
    );
  }
  return ref;
}

export function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(ref);
}
