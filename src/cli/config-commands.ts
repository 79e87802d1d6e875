import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { formatIssue, validateConfigText } from '../config/load-config.ts';
import { configSchema } from '../config/schema.ts';
import type { Output } from './output.ts';

/** `deckhand config check [file]`: exit 0 when valid, 1 with every problem listed otherwise. */
export async function configCheck(file: string, out: Output): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    out.err(`Cannot read ${file}. Pass the path of your deckhand.yml: deckhand config check <file>`);
    return 1;
  }
  const result = validateConfigText(text, file);
  if (!result.ok) {
    out.err(`${file} has ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}:`);
    for (const issue of result.issues) out.err(`  ${formatIssue(issue)}`);
    return 1;
  }
  const c = result.config;
  out.log(
    `${file} is valid: ${Object.keys(c.services).length} services, ${Object.keys(c.environments).length} environments, ${Object.keys(c.roles).length} roles.`,
  );
  return 0;
}

/** `deckhand config schema`: a JSON Schema for editors, generated from the zod schema. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
  return JSON.stringify({ ...schema, title: 'deckhand.yml' }, null, 2);
}
