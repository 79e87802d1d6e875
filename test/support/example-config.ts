import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load-config.ts';
import type { ConfigFile } from '../../src/config/schema.ts';

/** The repository's deckhand.yml: tests use the same configuration a newcomer sees. */
export function exampleConfig(): ConfigFile {
  return parseConfigText(
    readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8'),
    'deckhand.yml',
  );
}
