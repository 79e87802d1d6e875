import { ApiException } from '@kubernetes/client-node';
import { DeckhandError } from '../core/errors.ts';
import {
  KubernetesError,
  unreachable,
  type KubernetesFailureReason,
  type MissingPermission,
} from './kubernetes-failure.ts';

interface StatusLike {
  message?: string;
  reason?: string;
}

/** Credentials never reach a message: userinfo in URLs, bearer tokens and token parameters go. */
export function redact(text: string): string {
  return text
    .replace(/(\w+:\/\/)[^/@\s]+@/g, '$1')
    .replace(/(bearer\s+)[\w.~+/=-]+/gi, '$1[redacted]')
    .replace(/((?:token|password|secret)=)[^&\s]+/gi, '$1[redacted]');
}

function statusOf(error: ApiException<unknown>): StatusLike {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusLike;
    } catch {
      return { message: body };
    }
  }
  return body !== null && typeof body === 'object' ? body : {};
}

/**
 * The permission a Forbidden Status names. The API server words it one way (k8s.io/apiserver
 * `responsewriters.forbiddenMessage`): `… cannot patch resource "deployments/scale" in API group
 * "apps" in the namespace "staging"`; undefined when the message is not in that form (a webhook's).
 */
export function missingPermissionOf(message: string): MissingPermission | undefined {
  const found = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(
    message,
  );
  if (found === null) return undefined;
  const [, verb = '', resource = '', group = '', namespace] = found;
  return { verb, resource, group, ...(namespace === undefined ? {} : { namespace }) };
}

/** `patch deployments/scale (API group apps) in namespace staging`: a missing permission for people. */
export function describePermission(p: MissingPermission): string {
  const group = p.group === '' ? 'the core API group' : `API group ${p.group}`;
  const where = p.namespace === undefined ? 'cluster-wide' : `in namespace ${p.namespace}`;
  return `${p.verb} ${p.resource} (${group}) ${where}`;
}

/** The sentence for a 401 or 403: what was refused, and where to look. */
function refusal(context: string, action: string, code: number, detail: string): string {
  const missing = code === 403 ? missingPermissionOf(detail) : undefined;
  if (missing !== undefined) {
    return (
      `Kubernetes context ${context} refused ${action}: Deckhand's service account may not ` +
      `${describePermission(missing)}. Grant it, and check the Role in deploy/ (deploy/rbac/) ` +
      `or the RBAC for that context.`
    );
  }
  return `Kubernetes context ${context} refused ${action} (HTTP ${code}: ${detail}); check the credentials and RBAC for that context (the Role in deploy/).`;
}

/**
 * A 403 whose body the SDK did not keep (client-node's Watch keeps only the status line), for a
 * request whose permission the caller knows: the same sentence and facts as a Forbidden Status gives.
 */
export function forbiddenWithout(
  context: string,
  action: string,
  permission: MissingPermission,
  cause: unknown,
): KubernetesError {
  const detail = `cannot ${permission.verb} resource "${permission.resource}" in API group "${permission.group}"${
    permission.namespace === undefined ? '' : ` in the namespace "${permission.namespace}"`
  }`;
  return new KubernetesError(
    { context, action, reason: 'forbidden', detail, httpStatus: 403, missingPermission: permission },
    refusal(context, action, 403, detail),
    { cause },
  );
}

/** The network-level reason behind a failed fetch: `connect ECONNREFUSED 127.0.0.1:6443`. */
function networkReason(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_\w+|CERT_\w+|\w+_CERT\w*|DEPTH_ZERO\w*)$/.test(code)) {
      const nested = current instanceof AggregateError ? (current.errors[0] as unknown) : undefined;
      const message = current.message || (nested instanceof Error ? nested.message : '') || code;
      return message;
    }
    current = current.cause;
  }
  return undefined;
}

/** HTTP status of an SDK error, if it came from the API server. */
export function httpStatus(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The reason an HTTP status stands for. */
function reasonOfStatus(status: number | undefined): KubernetesFailureReason {
  switch (status) {
    case undefined:
      return 'failed';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    default:
      return 'rejected';
  }
}

/**
 * Turns whatever @kubernetes/client-node threw into a KubernetesError: the facts (context, reason,
 * what was being done, what the cluster or network said) and a message naming them; the original
 * stays as `cause` for the logs. A DeckhandError passes through unchanged.
 */
export function kubernetesError(error: unknown, context: string, action: string): DeckhandError {
  if (error instanceof DeckhandError) return error;
  const status = httpStatus(error);
  const facts = { context, action };
  if (error instanceof ApiException) {
    const body = statusOf(error);
    const detail = redact(body.message ?? `HTTP ${error.code}`);
    const missing = error.code === 403 ? missingPermissionOf(detail) : undefined;
    const failure = {
      ...facts,
      reason: reasonOfStatus(error.code),
      detail,
      httpStatus: error.code,
      ...(missing === undefined ? {} : { missingPermission: missing }),
    };
    const message =
      error.code === 401 || error.code === 403
        ? refusal(context, action, error.code, detail)
        : `Kubernetes context ${context}: ${action} failed (HTTP ${error.code}: ${detail}).`;
    return new KubernetesError(failure, message, { cause: error });
  }
  const network = networkReason(error);
  if (network !== undefined) {
    const detail = redact(network);
    return new KubernetesError(
      { ...facts, reason: 'unreachable', detail },
      `${unreachable(context, detail)}; ${action} did not happen.`,
      { cause: error },
    );
  }
  // fetch reports every transport failure as "fetch failed"; the reason is in its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const text =
    error instanceof Error ? `${error.message}${cause === '' ? '' : ` (${cause})`}` : String(error);
  const detail = redact(text);
  const suffix = status === undefined ? '' : ` (HTTP ${status})`;
  return new KubernetesError(
    { ...facts, reason: reasonOfStatus(status), detail, httpStatus: status },
    `Kubernetes context ${context}: ${action} failed${suffix}: ${detail}`,
    { cause: error },
  );
}
