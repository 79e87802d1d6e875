import { DeckhandError } from './errors.ts';

/**
 * The versions and git refs Deckhand sends by default: letters, digits, `.`, `_`, `-`, `/` and `+`
 * (tags like `v1.4.2` or `1.0.0+build.5`, branches like `feature/x`, commit shas). A service may
 * choose its own pattern (`services.<name>.refPattern`); the rules in {@link refProblem} hold whatever
 * the pattern says.
 */
export const DEFAULT_REF_PATTERN = '[A-Za-z0-9._/+-]+';

/** Git refs are path-like names; 200 characters is far past any tag or branch people type. */
const MAX_REF_LENGTH = 200;

/** A service's rule for the versions people may deploy: its pattern, and where the pattern comes from. */
export interface RefRule {
  /** A JavaScript regular expression the whole ref must match; DEFAULT_REF_PATTERN when not configured. */
  pattern: string;
  /** The config key that set it (`services.api.refPattern`), or null for the default. */
  source: string | null;
}

/** The rule for a service without a `refPattern`. */
export const DEFAULT_REF_RULE: RefRule = { pattern: DEFAULT_REF_PATTERN, source: null };

/**
 * What is wrong with a ref, or null when Deckhand may send it. A ref reaches a workflow as the input
 * `version`, and a workflow that writes `${{ inputs.version }}` into a `run:` step runs whatever it
 * holds, so nothing a shell or an Actions expression reads specially gets through.
 *
 * Always refused, whatever the pattern: an empty ref, one longer than 200 characters, a leading `-` (an
 * option to git and most tools), `$` and backticks (shell and Actions expansion), and what
 * `git check-ref-format` refuses that is cheap to check (spaces and control characters, `..`, `~ ^ : ?
 * * [ \`, `@{`, a lone `@`, a leading or trailing `/`, `//`, a component starting with `.`, a trailing
 * `.` or `.lock`; https://git-scm.com/docs/git-check-ref-format). Then the ref must match the rule's
 * pattern as a whole.
 *
 * Hand-written because no maintained package checks exactly git's rules plus these.
 */
export function refProblem(ref: string, rule: RefRule = DEFAULT_REF_RULE): string | null {
  if (ref === '') return 'it is empty';
  if (ref.length > MAX_REF_LENGTH) return `it is longer than ${MAX_REF_LENGTH} characters`;
  if (ref.startsWith('-')) return 'it starts with "-"';
  if (ref.includes('..')) return 'it contains ".."';
  const banned = /[\s\p{Cc}$`~^:?*[\\]/u.exec(ref)?.[0];
  if (banned !== undefined) return `it contains ${describeChar(banned)}`;
  if (ref.includes('@{') || ref === '@') return 'it contains "@{" or is "@"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
    return 'it starts or ends with "/", or has "//"';
  if (ref.endsWith('.') || ref.endsWith('.lock')) return 'it ends with "." or ".lock"';
  if (ref.split('/').some((part) => part.startsWith('.'))) return 'a part of it starts with "."';
  if (!new RegExp(`^(?:${rule.pattern})$`, 'u').test(ref)) {
    if (rule.source === null) {
      const other = /[^A-Za-z0-9._/+-]/u.exec(ref)?.[0];
      return `it contains ${describeChar(other ?? ref)}`;
    }
    return `it does not match ${rule.source} (${rule.pattern})`;
  }
  return null;
}

/**
 * The ref, when {@link refProblem} finds nothing wrong with it.
 *
 * @throws DeckhandError `invalid_arguments` saying what is wrong and what a version looks like.
 */
export function assertSafeRef(ref: string, rule: RefRule = DEFAULT_REF_RULE): string {
  const problem = refProblem(ref, rule);
  if (problem === null) return ref;
  const allowed =
    rule.source === null
      ? 'A version or git ref is letters, digits and . _ - / + (no leading -, no ..)'
      : `A version or git ref must match ${rule.source} in deckhand.yml`;
  throw new DeckhandError(
    'invalid_arguments',
    `Deckhand will not send "${ref}" as a version: ${problem}. ${allowed}: a tag like v1.4.2, a branch like feature-x, or a commit sha.`,
  );
}

/** Whether a configured pattern compiles; the error's message when it does not. */
export function patternProblem(pattern: string): string | null {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describeChar(ch: string): string {
  if (/\s/u.test(ch)) return 'a space';
  if (/\p{Cc}/u.test(ch)) return 'a control character';
  return `"${ch}"`;
}

/** True for what looks like a git commit sha, abbreviated (7+) or full (40 hex digits). */
export function isCommitSha(ref: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(ref);
}

/**
 * The image tag a build conventionally gives a version or branch: characters a Docker tag cannot hold
 * (a tag is `[A-Za-z0-9_.-]`, per the OCI distribution spec) become `-`, as docker/metadata-action
 * does for branch names (`feature/x` → `feature-x`). The sandbox's builds tag images this way, and
 * verification looks for this tag.
 */
export function imageTagFor(ref: string): string {
  return ref.replace(/[^\w.-]/g, '-');
}
