import type { Kysely } from 'kysely';

/**
 * The typed event log (one global sequence), the sinks' cursors, and the Slack messages the Slack
 * surface posted (moved out of the operation row: where a card is says nothing about the operation).
 *
 * `operation_events`, the untyped per-operation events of earlier versions, is left in place and no
 * longer written: its rows cannot be retyped faithfully, and nothing is deleted on upgrade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('seq', 'integer', (col) => col.primaryKey())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('operation_id', 'text')
    .addColumn('service', 'text')
    .addColumn('environment', 'text')
    /** JSON: the whole event. */
    .addColumn('data', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('events_operation').on('events').columns(['operation_id', 'seq']).execute();
  await db.schema.createIndex('events_type').on('events').columns(['type', 'seq']).execute();

  await db.schema
    .createTable('sink_cursors')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .execute();

  await db.schema
    .createTable('slack_messages')
    /** What the message is: `card:<operation id>`, `failure:<event seq>`. */
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('channel', 'text', (col) => col.notNull())
    .addColumn('ts', 'text', (col) => col.notNull())
    .addColumn('posted_at', 'text', (col) => col.notNull())
    .execute();
  const cards = await db
    .selectFrom('operations' as never)
    .select(['id', 'card', 'updated_at'] as never[])
    .where('card' as never, 'is not', null)
    .execute();
  for (const row of cards as { id: string; card: string; updated_at: string }[]) {
    const card = JSON.parse(row.card) as { channel: string; ts: string };
    await db
      .insertInto('slack_messages' as never)
      .values({
        key: `card:${row.id}`,
        channel: card.channel,
        ts: card.ts,
        posted_at: row.updated_at,
      })
      .execute();
  }
  await db.schema.alterTable('operations').dropColumn('card').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('operations').addColumn('card', 'text').execute();
  await db.schema.dropTable('slack_messages').execute();
  await db.schema.dropTable('sink_cursors').execute();
  await db.schema.dropTable('events').execute();
}
