import { DeckhandError } from '../../core/errors.ts';

/**
 * One query parameter, trimmed; an empty field means "any" (undefined). With `allowed`, a value not
 * on the list is refused (every name a person types is checked against the config's names).
 *
 * @throws DeckhandError `invalid_arguments` naming the field and the value
 */
export function param(query: URLSearchParams, name: string, allowed?: readonly string[]): string | undefined {
  const value = query.get(name)?.trim();
  if (value === undefined || value === '') return undefined;
  if (allowed !== undefined && !allowed.includes(value)) {
    throw new DeckhandError('invalid_arguments', `There is no ${name} "${value}". Pick one from the list.`);
  }
  return value;
}

/** Slack user ids and the shell's configured users: letters, digits and a few separators. */
const PERSON = /^[A-Za-z0-9._-]{1,64}$/;

/** A person's id as typed in a filter. @throws DeckhandError `invalid_arguments` when it cannot be an id */
export function personParam(query: URLSearchParams, name: string): string | undefined {
  const value = param(query, name);
  if (value !== undefined && !PERSON.test(value)) {
    throw new DeckhandError('invalid_arguments', `"${value}" is not a user id (for example U012ABCDEF).`);
  }
  return value;
}

/** A non-negative whole number parameter (a page or a seq), or undefined. */
export function countParam(query: URLSearchParams, name: string): number | undefined {
  const value = param(query, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new DeckhandError('invalid_arguments', `${name} is a whole number, not "${value}".`);
  }
  return Number(value);
}

/** The query string of a link: the given fields that have a value, in order. */
export function queryString(fields: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
