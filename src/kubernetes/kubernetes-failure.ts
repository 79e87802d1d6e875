import { DeckhandError } from '../core/errors.ts';

/**
 * Why a call to a cluster failed, in a word:
 * - `unreachable`: nothing answered (connection refused, DNS, TLS, or no answer before the deadline);
 * - `unknown_context`: the kubeconfig has no such context;
 * - `unauthorized` / `forbidden`: the API server refused the credentials (401) or the RBAC (403);
 * - `not_found`: the object (or the revision asked for) is not there;
 * - `conflict`: the object changed meanwhile, so nothing was written;
 * - `rejected`: the API server answered with another error;
 * - `failed`: anything else.
 */
export type KubernetesFailureReason =
  | 'unreachable'
  | 'unknown_context'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rejected'
  | 'failed';

/** What went wrong talking to a cluster, as facts a caller can group and count without reading a sentence. */
export interface KubernetesFailure {
  /** The kubeconfig context: which cluster. */
  context: string;
  reason: KubernetesFailureReason;
  /** What was being done: `reading deployment staging/api`; null when nothing was tried (an unknown context). */
  action: string | null;
  /** What the network or the API server said, credentials redacted: `connect ECONNREFUSED 10.0.0.1:6443`. */
  detail: string;
  /** The API server's HTTP status, when it answered. */
  httpStatus?: number;
  /** The deadline that passed, in milliseconds, when the cluster did not answer in time. */
  timeoutMs?: number;
  /** For a 403 from RBAC: the permission the API server found missing. */
  missingPermission?: MissingPermission;
}

/**
 * What RBAC refused, as the API server names it in a Forbidden Status: the verb (`patch`), the
 * resource with its subresource (`deployments/scale`), the API group (`apps`; '' for core) and the
 * namespace (absent at the cluster scope).
 */
export interface MissingPermission {
  verb: string;
  resource: string;
  group: string;
  namespace?: string;
}

/**
 * A `kubernetes_failed` DeckhandError that also carries its facts. Everything the Kubernetes adapter
 * rejects with is one of these (an invalid argument aside); `userMessage` says the same for people.
 */
export class KubernetesError extends DeckhandError {
  readonly failure: KubernetesFailure;

  constructor(failure: KubernetesFailure, userMessage: string, options?: { cause?: unknown }) {
    super('kubernetes_failed', userMessage, options);
    this.name = 'KubernetesError';
    this.failure = failure;
  }
}

/** The facts of a Kubernetes failure, or null for any other error. */
export function kubernetesFailureOf(error: unknown): KubernetesFailure | null {
  return error instanceof KubernetesError ? error.failure : null;
}

/** The reasons that belong to the cluster rather than to one call. */
export type ClusterWideReason = Extract<KubernetesFailureReason, 'unreachable' | 'unknown_context'>;

/**
 * True when the failure is the cluster's, not the call's: every target behind that context meets the
 * same one, so it can be said once for all of them.
 */
export function isClusterWide(
  failure: KubernetesFailure,
): failure is KubernetesFailure & { reason: ClusterWideReason } {
  return failure.reason === 'unreachable' || failure.reason === 'unknown_context';
}

/**
 * A cluster-wide failure said of the cluster alone, without the calls that met it:
 * `Kubernetes context sandbox is unreachable (connect ECONNREFUSED 10.0.0.1:6443).` Different details
 * (calls that met different network errors) are listed together.
 */
export function describeCluster(context: string, reason: ClusterWideReason, details: string[]): string {
  const detail = [...new Set(details)].join('; ');
  switch (reason) {
    case 'unreachable':
      return `${unreachable(context, detail)}.`;
    case 'unknown_context':
      return notInKubeconfig(context, detail);
  }
}

/** `Kubernetes context sandbox is unreachable (connect ECONNREFUSED …)`, without the full stop. */
export function unreachable(context: string, detail: string): string {
  return `Kubernetes context ${context} is unreachable (${detail})`;
}

/** `Kubernetes context mars is not in the kubeconfig (known contexts: staging, production).` */
export function notInKubeconfig(context: string, detail: string): string {
  return `Kubernetes context ${context} is not in the kubeconfig (${detail}).`;
}
