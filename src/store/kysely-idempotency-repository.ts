import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { guarded } from './store-error.ts';
import type { IdempotencyRepository } from '../core/repositories.ts';

export class KyselyIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  claim(key: string, at: Date): Promise<boolean> {
    return guarded(async () => {
      // RETURNING yields a row only when this call inserted it, in both dialects.
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({ key, claimed_at: at.toISOString() })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    });
  }
}
