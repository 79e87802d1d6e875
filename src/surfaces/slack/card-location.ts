import type { OperationRepository } from '../../operations/repository.ts';
import type { MessageLocation } from './card-chat.ts';

/** Records where an operation's card is, so a restarted Deckhand edits the same message. */
export async function saveCardLocation(
  operations: OperationRepository,
  operationId: string,
  card: MessageLocation,
): Promise<boolean> {
  const current = await operations.get(operationId);
  if (current === null) return false;
  await operations.setCard(operationId, card);
  return true;
}
