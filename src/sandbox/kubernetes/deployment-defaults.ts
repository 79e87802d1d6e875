import { invalid } from './status-errors.ts';
import type { Container, Deployment } from './types.ts';

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function obj(parent: Loose, key: string): Loose {
  const existing = parent[key];
  if (isObject(existing)) return existing;
  const created: Loose = {};
  parent[key] = created;
  return created;
}

function imagePullPolicy(image: string): string {
  const lastSegment = image.split('/').pop() ?? image;
  return !lastSegment.includes(':') || lastSegment.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/**
 * The apiserver's defaulting for the Deployment fields clients see, applied on every write so a
 * template read back, edited and written (kubectl rollout undo does this) compares equal.
 */
export function applyDefaults(input: Loose): void {
  const spec = obj(input, 'spec');
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const strategy = obj(spec, 'strategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = obj(strategy, 'rollingUpdate');
    rolling.maxSurge ??= '25%';
    rolling.maxUnavailable ??= '25%';
  }
  const template = obj(spec, 'template');
  const podSpec = obj(template, 'spec');
  podSpec.restartPolicy ??= 'Always';
  podSpec.terminationGracePeriodSeconds ??= 30;
  podSpec.dnsPolicy ??= 'ClusterFirst';
  podSpec.securityContext ??= {};
  podSpec.schedulerName ??= 'default-scheduler';
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  for (const container of containers) {
    if (!isObject(container)) continue;
    if (typeof container.image === 'string') container.imagePullPolicy ??= imagePullPolicy(container.image);
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
  }
  obj(input, 'status');
}

/** The checks the apiserver would make on the fields we act on; throws a 422 Status. */
export function validateDeployment(input: Loose, name: string): Deployment {
  const causes: Array<{ reason: string; message: string; field: string }> = [];
  const fail = (field: string, message: string) =>
    causes.push({ reason: 'FieldValueInvalid', message, field });
  const spec = isObject(input.spec) ? input.spec : {};
  const replicas = spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    fail('spec.replicas', `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const template = isObject(spec.template) ? spec.template : {};
  const podSpec = isObject(template.spec) ? template.spec : {};
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as unknown[]) : [];
  if (containers.length === 0) fail('spec.template.spec.containers', 'Required value');
  containers.forEach((c, i) => {
    const container = (isObject(c) ? c : {}) as Partial<Container>;
    if (typeof container.name !== 'string' || container.name === '') {
      fail(`spec.template.spec.containers[${i}].name`, 'Required value');
    }
    if (typeof container.image !== 'string' || container.image.trim() === '') {
      fail(`spec.template.spec.containers[${i}].image`, 'Required value');
    }
  });
  const selector =
    isObject(spec.selector) && isObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const labels = isObject(metadata.labels) ? metadata.labels : {};
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) {
      fail(
        'spec.template.metadata.labels',
        `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
      );
      break;
    }
  }
  if (causes.length > 0) throw invalid('Deployment', 'apps', name, causes);
  return input as unknown as Deployment;
}
