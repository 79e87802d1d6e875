import type { Kysely } from 'kysely';

/**
 * Where the Slack surface can still answer the person who asked for an operation: the slash command's
 * `response_url` (valid 30 minutes, 5 messages), kept with how often it was used, whether the
 * requester was told where the card is, and the card title last shown through it. The card sink uses
 * it when the bot cannot post in the channel, and to point the acknowledgement at the live card.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slack_responses')
    .addColumn('operation_id', 'text', (col) => col.primaryKey())
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('received_at', 'text', (col) => col.notNull())
    .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pointed', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('last_shown', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('slack_responses').execute();
}
