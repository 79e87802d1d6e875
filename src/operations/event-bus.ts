import type { Logger } from 'pino';
import type { OperationRepository } from './repository.ts';
import type { OperationEvent } from './types.ts';

export type EventListener = (event: OperationEvent) => void | Promise<void>;

/**
 * Events are persisted first, then published in process to the sinks (progress cards, shell output,
 * incident timelines). A sink that throws is logged and does not stop the others or the operation.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly repository: OperationRepository,
    private readonly logger: Logger,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: OperationEvent): Promise<void> {
    await this.repository.appendEvent(event);
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.logger.warn(
            { err: error, operationId: event.operationId, type: event.type },
            'event sink failed',
          );
        }
      }),
    );
  }
}
