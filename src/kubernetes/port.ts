/**
 * The Kubernetes port: what Deckhand needs from a cluster, in Deckhand's words. Every call names
 * its kubeconfig context, because each service × environment in the config has its own context,
 * namespace and deployment.
 */
export interface KubernetesTarget {
  context: string;
  namespace: string;
  deployment: string;
}

/**
 * How `kubectl rollout status` would judge the rollout right now, and two states Deckhand tells apart
 * because neither may pass for done: `paused` (`spec.paused`: the controller rolls nothing out, and a
 * paused Deployment never reaches its progress deadline, so kubectl would wait for ever) and
 * `scaled_to_zero` (kubectl calls it rolled out, but no pod runs the template).
 */
export type RolloutPhase = 'waiting' | 'progressing' | 'complete' | 'failed' | 'paused' | 'scaled_to_zero';

export interface RolloutJudgement {
  phase: RolloutPhase;
  /** kubectl's words, e.g. `Waiting for deployment "api" rollout to finish: 1 out of 3 new replicas have been updated...` */
  message: string;
}

export interface ReplicaCounts {
  desired: number;
  /** Pods that exist, old and new. */
  current: number;
  updated: number;
  ready: number;
  available: number;
  unavailable: number;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

export interface PodSummary {
  name: string;
  ready: boolean;
  phase: string;
  restarts: number;
  /** e.g. CrashLoopBackOff, ImagePullBackOff, ContainerCreating. */
  waitingReason?: string;
}

export interface WarningEvent {
  /** `Pod/api-7d9c-x2kqz` */
  object: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: string;
}

export interface ContainerImage {
  container: string;
  image: string;
}

/** One observation of the rollout, as handed to `watchRollout`'s listener. */
export interface RolloutProgress {
  rollout: RolloutJudgement;
  revision: number | undefined;
  /** The images of the Deployment's template at that moment: what the rollout is rolling out. */
  images: ContainerImage[];
  generation: number;
  observedGeneration: number;
  replicas: ReplicaCounts;
}

export interface DeploymentStatus extends RolloutProgress {
  target: KubernetesTarget;
  resourceVersion: string;
  conditions: DeploymentCondition[];
  pods: PodSummary[];
  /** Recent Warning events about the deployment, its ReplicaSets and pods, newest first. */
  warnings: WarningEvent[];
}

export interface Revision {
  revision: number;
  replicaSet: string;
  images: ContainerImage[];
  createdAt: string | undefined;
  /** Desired replicas of this revision's ReplicaSet (0 for an old, scaled-down one). */
  replicas: number;
  readyReplicas: number;
  /** The revision the deployment's template currently is. */
  current: boolean;
  changeCause?: string;
}

export interface UndoResult {
  fromRevision: number | undefined;
  toRevision: number;
  images: ContainerImage[];
  /** False when the template already matched that revision, so nothing was written. */
  changed: boolean;
}

export interface ScaleResult {
  previous: number;
  replicas: number;
}

/**
 * What Deckhand asks of clusters. A failed call rejects with a `KubernetesError`
 * (src/kubernetes/kubernetes-failure.ts): a `kubernetes_failed` DeckhandError whose `failure` holds the
 * facts (context, reason, what was being done, what was said), so callers never read its sentence.
 * Every request has a deadline (`CALL_TIMEOUTS.kubernetesRequestMs`); a cluster that does not answer
 * in time is `unreachable`, with `timeoutMs` set.
 */
export interface Kubernetes {
  /**
   * The Deployment now: rollout, template images, replicas, pods and recent warnings. `signal` lets
   * the caller stop waiting (status's own deadline); the read then rejects with its reason.
   */
  getDeploymentStatus(
    target: KubernetesTarget,
    options?: { signal?: AbortSignal },
  ): Promise<DeploymentStatus>;
  /** Newest first. */
  listRevisions(target: KubernetesTarget): Promise<Revision[]>;
  /**
   * Restores the template of the previous revision (or `toRevision`), refusing with a
   * `kubernetes_failed` error, rather than overwriting, when the deployment changed meanwhile.
   */
  undo(target: KubernetesTarget, toRevision?: number): Promise<UndoResult>;
  /** What `kubectl rollout restart` does: a new template annotation, so new pods roll out. */
  restart(target: KubernetesTarget): Promise<void>;
  scale(target: KubernetesTarget, replicas: number): Promise<ScaleResult>;
  /**
   * Follows the rollout through the watch API until it is complete, failed, paused or scaled to zero;
   * resolves with that judgement (`onUpdate` has by then seen the observation it was made from, images
   * included). Rejects with the signal's reason when aborted.
   */
  watchRollout(
    target: KubernetesTarget,
    onUpdate: (progress: RolloutProgress) => void,
    signal?: AbortSignal,
  ): Promise<RolloutJudgement>;
}
