import type { CommandContext } from '../core/command.ts';
import { mention } from '../core/markup.ts';
import type { Reply } from '../core/message.ts';
import { incidentName, type Incident } from './incident.ts';
import { releaseFreeze, takeFreeze, type FreezeDeps } from './incident-freeze.ts';

function freezeDeps(ctx: Pick<CommandContext, 'catalog' | 'locks' | 'clock'>): FreezeDeps {
  return { catalog: ctx.catalog, locks: ctx.locks, clock: ctx.clock };
}

/**
 * Takes the incident freeze when the incident's severity calls for one (config `incidents.freeze`),
 * and says what it did in a line for the command's answer ('' when nothing froze).
 */
export async function froze(ctx: CommandContext, found: Incident): Promise<string> {
  const { taken, heldByOthers } = await takeFreeze(freezeDeps(ctx), found);
  const name = incidentName(found);
  return [
    taken.length === 0
      ? ''
      : `Incident freeze: ${taken.join(', ')} locked for ${name}; deploys and rollbacks pass only from its channel, as fixes.`,
    ...heldByOthers.map(
      (l) =>
        `${l.service} in ${l.environment} was not frozen: ${mention(l.holder)} already holds its lock (“${l.reason}”).`,
    ),
  ]
    .filter(Boolean)
    .join('\n');
}

/** Lifts the incident's freeze (at its resolution); a line saying so, or '' when it held none. */
export async function thawed(ctx: CommandContext, found: Incident): Promise<string> {
  const released = await releaseFreeze(freezeDeps(ctx), found);
  return released.length === 0 ? '' : `The incident freeze is lifted: ${released.join(', ')} unlocked.`;
}

/** The answer with a freeze's line added to its text. */
export function withFreeze(answer: Reply, note: string): Reply {
  return note === '' ? answer : { ...answer, text: [answer.text, note].filter(Boolean).join('\n\n') };
}
