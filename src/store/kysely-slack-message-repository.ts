import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';

/** Where a posted Slack message lives: enough to edit it or reply in its thread. */
export interface SlackMessageLocation {
  channel: string;
  /** Slack's message timestamp, its id within the channel. */
  ts: string;
}

/**
 * The Slack messages Deckhand posted, by what they are (`card:<operation id>`, `failure:<event seq>`).
 * Owned by the Slack surface: a restarted Deckhand edits the same card, and never posts a thread reply
 * twice.
 */
export interface SlackMessageRepository {
  get(key: string): Promise<SlackMessageLocation | null>;
  /** Records a message; a key recorded before keeps its first location. */
  save(key: string, location: SlackMessageLocation, at: Date): Promise<void>;
  /**
   * Keeps the `response_url` of the command that asked for an operation; the first one kept stays.
   * True when this one was kept.
   */
  saveResponseUrl(operationId: string, url: string, receivedAt: Date): Promise<boolean>;
  /** The operation's `response_url` and how it has been used, or null when none was kept. */
  responseUrl(operationId: string): Promise<SlackResponseUrl | null>;
  /**
   * Takes one use of the operation's `response_url`, if fewer than `maxUses` were taken (and, with
   * `point`, if the requester was not yet told where the card is): true when this caller may post.
   * `shown` records the card title being posted through it.
   */
  useResponseUrl(
    operationId: string,
    take: { maxUses: number; point?: boolean; shown?: string },
  ): Promise<boolean>;
}

/** A slash command's `response_url`, kept for the operation it asked for. */
export interface SlackResponseUrl {
  url: string;
  receivedAt: Date;
  /** Messages posted through it so far (Slack takes 5). */
  uses: number;
  /** Whether the requester was told where the card is. */
  pointed: boolean;
  /** The card title last shown through it, when the card had to go there. */
  lastShown: string | null;
}

export class KyselySlackMessageRepository implements SlackMessageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  get(key: string): Promise<SlackMessageLocation | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('slack_messages')
        .select(['channel', 'ts'])
        .where('key', '=', key)
        .executeTakeFirst();
      return row ?? null;
    });
  }

  saveResponseUrl(operationId: string, url: string, receivedAt: Date): Promise<boolean> {
    return guarded(async () => {
      const result = await this.db
        .insertInto('slack_responses')
        .values({
          operation_id: operationId,
          url,
          received_at: receivedAt.toISOString(),
          uses: 0,
          pointed: 0,
        })
        .onConflict((oc) => oc.column('operation_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  responseUrl(operationId: string): Promise<SlackResponseUrl | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('slack_responses')
        .selectAll()
        .where('operation_id', '=', operationId)
        .executeTakeFirst();
      if (row === undefined) return null;
      return {
        url: row.url,
        receivedAt: new Date(row.received_at),
        uses: row.uses,
        pointed: row.pointed === 1,
        lastShown: row.last_shown,
      };
    });
  }

  useResponseUrl(
    operationId: string,
    take: { maxUses: number; point?: boolean; shown?: string },
  ): Promise<boolean> {
    return guarded(async () => {
      let query = this.db
        .updateTable('slack_responses')
        .set((eb) => ({
          uses: eb('uses', '+', 1),
          ...(take.point === true ? { pointed: 1 } : {}),
          ...(take.shown === undefined ? {} : { last_shown: take.shown }),
        }))
        .where('operation_id', '=', operationId)
        .where('uses', '<', take.maxUses);
      if (take.point === true) query = query.where('pointed', '=', 0);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    });
  }

  save(key: string, location: SlackMessageLocation, at: Date): Promise<void> {
    return guarded(async () => {
      await this.db
        .insertInto('slack_messages')
        .values({ key, channel: location.channel, ts: location.ts, posted_at: at.toISOString() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    });
  }
}
