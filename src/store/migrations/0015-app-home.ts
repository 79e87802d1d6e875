import type { Kysely } from 'kysely';

/**
 * Slack's App Home (src/surfaces/slack/app-home.ts): who opened it, the hash Slack gave the view
 * Deckhand last published for them (views.publish's `hash`, so two updates never overwrite each other
 * unseen) and a hash of what it showed (a change is republished, the same content is not).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_home_viewers')
    .addColumn('user_id', 'text', (col) => col.primaryKey())
    .addColumn('opened_at', 'text', (col) => col.notNull())
    .addColumn('view_hash', 'text')
    .addColumn('content_hash', 'text')
    .execute();
  await db.schema.createIndex('app_home_viewers_opened').on('app_home_viewers').column('opened_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('app_home_viewers').execute();
}
