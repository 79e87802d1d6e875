import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { migrationProvider } from './migrations/migration-provider.ts';

/**
 * Brings the schema up to date. `migrationTableSchema` pins Kysely's bookkeeping tables to our schema
 * on PostgreSQL; without it Kysely would find another schema's tables and think ours exist.
 */
export async function migrateToLatest(db: Kysely<Database>, migrationTableSchema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error');
    if (failed === undefined) throw error instanceof Error ? error : new Error(describe(error));
    throw new Error(`migration ${failed.migrationName} failed: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
