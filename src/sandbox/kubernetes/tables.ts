import type { ResourceInfo } from './resources.ts';
import { selectorToString } from './selectors.ts';
import type { Deployment, KubeEvent, KubeObject, Pod, ReplicaSet } from './types.ts';

/**
 * Server-side printing (`as=Table`), which `kubectl get` asks for: the columns the apiserver
 * prints for these kinds, ages measured on the simulated clock.
 */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && accept.split(',')[0]?.includes('as=Table') === true;
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type = 'string', priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});

/** Like the apiserver's HumanDuration: `45s`, `3m12s`, `2h5m`, `3d`. */
export function age(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const containerNames = (t: { spec: { containers: Array<{ name: string }> } }) =>
  t.spec.containers.map((c) => c.name).join(',');
const images = (t: { spec: { containers: Array<{ image: string }> } }) =>
  t.spec.containers.map((c) => c.image).join(',');

type Printer = { columns: Column[]; cells: (object: KubeObject, now: number) => unknown[] };

const PRINTERS: Record<string, Printer> = {
  Deployment: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o, now) => {
      const d = o as Deployment;
      return [
        d.metadata.name,
        `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
        d.status.updatedReplicas ?? 0,
        d.status.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp, now),
        containerNames(d.spec.template),
        images(d.spec.template),
        selectorToString(d.spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o, now) => {
      const rs = o as ReplicaSet;
      return [
        rs.metadata.name,
        rs.spec.replicas,
        rs.status.replicas,
        rs.status.readyReplicas ?? 0,
        age(rs.metadata.creationTimestamp, now),
        containerNames(rs.spec.template),
        images(rs.spec.template),
        selectorToString(rs.spec.selector),
      ];
    },
  },
  Pod: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
    ],
    cells: (o, now) => {
      const p = o as Pod;
      const statuses = p.status.containerStatuses;
      const waiting = statuses.map((s) => s.state.waiting?.reason).find((r) => r !== undefined);
      const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
      return [
        p.metadata.name,
        `${statuses.filter((s) => s.ready).length}/${p.spec.containers.length}`,
        typeof waiting === 'string' ? waiting : p.status.phase,
        String(restarts),
        age(p.metadata.creationTimestamp, now),
        p.status.podIP ?? '<none>',
        p.spec.nodeName ?? '<none>',
      ];
    },
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (o, now) => {
      const e = o as KubeEvent;
      return [
        age(e.lastTimestamp, now),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        e.message,
      ];
    },
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [col('Name'), col('Age')],
  cells: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)],
};

export function toTable(info: ResourceInfo, items: KubeObject[], resourceVersion: string, now: number) {
  const printer = PRINTERS[info.kind] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns,
    rows: items.map((item) => ({
      cells: printer.cells(item, now),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata },
    })),
  };
}
