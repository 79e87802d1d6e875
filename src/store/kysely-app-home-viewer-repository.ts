import type { Kysely } from 'kysely';
import type { AppHomeViewer, AppHomeViewerRepository } from '../surfaces/slack/app-home-viewers.ts';
import type { AppHomeViewerRow, Database } from './database.ts';
import { guarded } from './store-error.ts';

/** App Home viewers over Kysely (SQLite and PostgreSQL alike). */
export class KyselyAppHomeViewerRepository implements AppHomeViewerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  opened(userId: string, at: Date, viewHash: string | null): Promise<void> {
    return guarded(async () => {
      await this.db
        .insertInto('app_home_viewers')
        .values({ user_id: userId, opened_at: at.toISOString(), view_hash: viewHash, content_hash: null })
        .onConflict((oc) =>
          // Slack's hash is the truth about what the tab shows now; a null one (first open) keeps ours.
          oc.column('user_id').doUpdateSet((eb) => ({
            opened_at: at.toISOString(),
            view_hash: viewHash ?? eb.ref('app_home_viewers.view_hash'),
          })),
        )
        .execute();
    });
  }

  published(userId: string, viewHash: string, contentHash: string): Promise<void> {
    return guarded(async () => {
      await this.db
        .updateTable('app_home_viewers')
        .set({ view_hash: viewHash, content_hash: contentHash })
        .where('user_id', '=', userId)
        .execute();
    });
  }

  get(userId: string): Promise<AppHomeViewer | null> {
    return guarded(async () => {
      const row = await this.db
        .selectFrom('app_home_viewers')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    });
  }

  recent(since: Date, limit: number): Promise<AppHomeViewer[]> {
    return guarded(async () => {
      const rows = await this.db
        .selectFrom('app_home_viewers')
        .selectAll()
        .where('opened_at', '>=', since.toISOString())
        .orderBy('opened_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    });
  }
}

function fromRow(row: AppHomeViewerRow): AppHomeViewer {
  return {
    userId: row.user_id,
    openedAt: new Date(row.opened_at),
    viewHash: row.view_hash,
    contentHash: row.content_hash,
  };
}
