import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import type { OperationService } from './operation-service.ts';

export function operationsOf(ctx: CommandContext): OperationService {
  const operations = ctx.ports.operations;
  if (operations === undefined) {
    throw new DeckhandError('internal', 'Deploys are not available in this Deckhand (no operation runner).');
  }
  return operations;
}
