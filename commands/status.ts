import { z } from 'zod';
import { CALL_TIMEOUTS } from '../src/config/timing.ts';
import { deadlinesOf } from '../src/core/clock.ts';
import { defineCommand } from '../src/core/command.ts';
import { formatDuration } from '../src/core/duration.ts';
import { mention } from '../src/core/markup.ts';
import { reply, type Reply, type Tone } from '../src/core/message.ts';
import {
  describeCluster,
  isClusterWide,
  type ClusterWideReason,
} from '../src/kubernetes/kubernetes-failure.ts';
import { describeChange } from '../src/operations/operation-name.ts';
import { cell, freezeNote, notes, replicas, rolloutWord, version } from '../src/status/describe.ts';
import { collectStatuses, type TargetStatus } from '../src/status/target-status.ts';

export const status = defineCommand({
  name: 'status',
  aliases: ['st'],
  summary: 'What runs where: version, replicas, rollout, crash loops, locks and freezes',
  usage: 'status [service] [environment]',
  examples: ['status', 'status api', 'status production', 'status api production'],
  grammar: {
    slots: [
      { name: 'target', kind: 'service-or-environment' },
      { name: 'target2', kind: 'service-or-environment', keywords: ['in'] },
    ],
  },
  args: z.object({ service: z.string().optional(), environment: z.string().optional() }),
  async run(ctx, args) {
    const { catalog } = ctx;
    const services = args.service === undefined ? catalog.serviceNames : [args.service];
    if (args.service !== undefined && args.environment !== undefined)
      catalog.target(args.service, args.environment);
    const pairs = services.flatMap((service) =>
      catalog
        .environmentsOf(service)
        .filter((environment) => args.environment === undefined || environment === args.environment)
        .map((environment) => ({ service, environment })),
    );
    const statuses = await collectStatuses(pairs, {
      catalog,
      kubernetes: ctx.ports.kubernetes,
      locks: ctx.store.locks,
      operations: ctx.store.operations,
      now: ctx.clock.now(),
      deadlineMs: CALL_TIMEOUTS.statusMs,
      deadlines: deadlinesOf(ctx.clock),
    });
    if (args.service !== undefined && args.environment !== undefined && statuses[0] !== undefined) {
      return detail(statuses[0], ctx.clock.now());
    }
    if (args.service === undefined && args.environment === undefined)
      return matrix(statuses, catalog.environmentNames);
    const title =
      args.service === undefined ? `Services in ${args.environment ?? ''}` : `${args.service} everywhere`;
    return reply(tone(statuses), title, {
      table: {
        columns: [args.service === undefined ? 'Service' : 'Environment', 'Version', 'Replicas', 'Rollout'],
        rows: statuses.map((s) => [
          args.service === undefined ? s.service : s.environment,
          s.deployment === null ? '—' : version(s.deployment),
          s.deployment === null ? '—' : replicas(s.deployment),
          s.deployment === null ? 'unreachable' : rolloutWord(s.deployment),
        ]),
      },
      ...notesText(statuses, true),
    });
  },
});

function lastChange(s: TargetStatus, now: Date): string {
  const op = s.lastChange;
  if (op === null) return 'none through Deckhand';
  const ago = formatDuration(now.getTime() - op.createdAt.getTime());
  return `${describeChange(op)} by ${mention(op.requester)}, ${ago} ago: ${op.state.replace('_', ' ')}`;
}

function detail(s: TargetStatus, now: Date): Reply {
  const d = s.deployment;
  if (d === null) {
    return reply('error', `${s.service} in ${s.environment}: unknown`, { text: notes(s).join('\n') });
  }
  return reply(tone([s]), `${s.service} in ${s.environment}: ${version(d)}, ${rolloutWord(d)}`, {
    fields: [
      { label: 'Image', value: d.images.map((i) => `\`${i.image}\``).join('\n') || 'none' },
      { label: 'Replicas', value: replicas(d) },
      { label: 'Revision', value: d.revision === undefined ? 'unknown' : String(d.revision) },
      { label: 'Rollout', value: d.rollout.message },
      { label: 'Last change', value: lastChange(s, now) },
    ],
    ...notesText([s], false),
  });
}

function matrix(statuses: TargetStatus[], environments: string[]): Reply {
  const services = [...new Set(statuses.map((s) => s.service))];
  return reply(tone(statuses), 'Services × environments', {
    table: {
      columns: ['Service', ...environments],
      rows: services.map((service) => [
        service,
        ...environments.map((env) => {
          const s = statuses.find((x) => x.service === service && x.environment === env);
          return s === undefined ? '—' : cell(s);
        }),
      ]),
    },
    ...notesText(statuses, true),
    footer:
      '✓ healthy  ↻ rolling out  ✗ failed  ⏸ paused  ○ scaled to 0  🔒 locked  ❄ frozen · details: /ops status <service> <environment>',
  });
}

/** Targets that met the same error: one cluster's failure (with every detail it gave), or one message. */
type ErrorGroup = { targets: string[] } & (
  | { kind: 'cluster'; context: string; reason: ClusterWideReason; details: string[] }
  | { kind: 'message'; message: string }
);

/**
 * The targets' errors, each said once and in the order first met: a cluster-wide failure (an
 * unreachable context) by its context and reason, naming every target behind it; any other error
 * by its message.
 */
function errorNotes(statuses: TargetStatus[]): { message: string; targets: string[] }[] {
  const groups = new Map<string, ErrorGroup>();
  for (const s of statuses) {
    if (s.error === null) continue;
    const target = `${s.service}/${s.environment}`;
    const f = s.failure;
    if (f !== null && isClusterWide(f)) {
      const key = `cluster\0${f.context}\0${f.reason}`;
      const group = groups.get(key) ?? {
        kind: 'cluster',
        context: f.context,
        reason: f.reason,
        details: [],
        targets: [],
      };
      if (group.kind === 'cluster') group.details.push(f.detail);
      group.targets.push(target);
      groups.set(key, group);
    } else {
      const key = `message\0${s.error.userMessage}`;
      const group = groups.get(key) ?? { kind: 'message', message: s.error.userMessage, targets: [] };
      group.targets.push(target);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => ({
    message: g.kind === 'cluster' ? describeCluster(g.context, g.reason, g.details) : g.message,
    targets: g.targets,
  }));
}

function notesText(statuses: TargetStatus[], prefix: boolean): { text?: string } {
  const freezes = prefix ? [...new Set(statuses.map(freezeNote).filter((n) => n !== null))] : [];
  const lines = [
    ...errorNotes(statuses).map(({ message, targets }) =>
      prefix ? `${targets.join(', ')}: ${message}` : message,
    ),
    ...freezes,
    ...statuses.flatMap((s) =>
      notes({ ...s, error: null }, { freeze: !prefix }).map((n) =>
        prefix ? `${s.service}/${s.environment}: ${n}` : n,
      ),
    ),
  ];
  return lines.length === 0 ? {} : { text: lines.join('\n') };
}

/** Anything someone must act on (no answer, a failed, paused or scaled-down Deployment) is a warning. */
function tone(statuses: TargetStatus[]): Tone {
  const attention = ['failed', 'paused', 'scaled_to_zero'];
  if (statuses.some((s) => s.deployment === null || attention.includes(s.deployment.rollout.phase)))
    return 'warning';
  if (statuses.some((s) => s.deployment?.rollout.phase !== 'complete')) return 'progress';
  return 'success';
}
