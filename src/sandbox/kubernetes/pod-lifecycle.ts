import { kubeTime } from './ids.ts';
import type { Condition, Container, ContainerStatus, Pod } from './types.ts';

/**
 * When things happen to a pod, fixed at creation so the pod's status at any simulated time is a
 * pure function of that time. Good containers become ready `readyAfterMs` after creation; bad
 * ones crash a moment after starting and then restart with the kubelet's back-off (10 s, 20 s,
 * 40 s ... capped at 5 min), never ready.
 */
export interface PodSchedule {
  createdAt: number;
  readyAt: number;
  firstCrashAt: number;
  badContainers: ReadonlySet<string>;
}

const FIRST_CRASH_AFTER_MS = 2_000;
const MAX_BACKOFF_MS = 300_000;

function backoffMs(restarts: number): number {
  return Math.min(10_000 * 2 ** restarts, MAX_BACKOFF_MS);
}

export function newSchedule(
  createdAt: number,
  readyAfterMs: number,
  badContainers: Set<string>,
): PodSchedule {
  return {
    createdAt,
    readyAt: createdAt + readyAfterMs,
    firstCrashAt: createdAt + FIRST_CRASH_AFTER_MS,
    badContainers,
  };
}

/** Crashes so far (0 before the first) and when the next one is due. */
function crashes(schedule: PodSchedule, t: number): { count: number; next: number } {
  let count = 0;
  let next = schedule.firstCrashAt;
  while (next <= t) {
    next += backoffMs(count);
    count++;
  }
  return { count, next };
}

export function isReady(schedule: PodSchedule, t: number): boolean {
  return schedule.badContainers.size === 0 && t >= schedule.readyAt;
}

/** The next simulated instant at which this pod's status changes, after `t`. */
export function nextChange(schedule: PodSchedule, t: number): number | undefined {
  if (schedule.badContainers.size > 0) return crashes(schedule, t).next;
  return t < schedule.readyAt ? schedule.readyAt : undefined;
}

function condition(type: string, ok: boolean, at: number, unready: string[]): Condition {
  return {
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: kubeTime(at),
    ...(ok
      ? {}
      : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }),
  };
}

function containerStatus(pod: Pod, container: Container, schedule: PodSchedule, t: number): ContainerStatus {
  const base = { name: container.name, image: container.image, imageID: '' };
  if (schedule.badContainers.has(container.name) && t >= schedule.firstCrashAt) {
    const { count, next } = crashes(schedule, t);
    const restarts = count - 1;
    const lastCrash = next - backoffMs(restarts);
    return {
      ...base,
      ready: false,
      started: false,
      restartCount: restarts,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${backoffMs(restarts) / 1000}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid})`,
        },
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: kubeTime(lastCrash - 1_000),
          finishedAt: kubeTime(lastCrash),
        },
      },
    };
  }
  if (schedule.badContainers.size === 0 && t >= schedule.readyAt) {
    return {
      ...base,
      imageID: `${container.image}@sha256:${'0'.repeat(64)}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: kubeTime(schedule.readyAt) } },
      lastState: {},
    };
  }
  return {
    ...base,
    ready: false,
    started: false,
    restartCount: 0,
    state: { waiting: { reason: 'ContainerCreating' } },
    lastState: {},
  };
}

export function podStatusAt(pod: Pod, schedule: PodSchedule, t: number): Pod['status'] {
  const statuses = pod.spec.containers.map((c) => containerStatus(pod, c, schedule, t));
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready = unready.length === 0;
  const started = statuses.some(
    (s) => s.restartCount > 0 || s.state.running !== undefined || s.lastState.terminated !== undefined,
  );
  const changedAt = ready ? schedule.readyAt : schedule.createdAt;
  return {
    phase: ready || started ? 'Running' : 'Pending',
    conditions: [
      condition('Initialized', true, schedule.createdAt, []),
      condition('Ready', ready, changedAt, unready),
      condition('ContainersReady', ready, changedAt, unready),
      condition('PodScheduled', true, schedule.createdAt, []),
    ],
    hostIP: '10.0.0.10',
    podIP: `10.244.0.${(pod.metadata.uid.charCodeAt(0) % 200) + 10}`,
    startTime: kubeTime(schedule.createdAt),
    containerStatuses: statuses,
    qosClass: 'BestEffort',
  };
}
