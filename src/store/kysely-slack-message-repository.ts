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
