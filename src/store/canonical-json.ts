/** A flat record of JSON primitives: all an audit entry holds. */
export type FlatRecord = Readonly<Record<string, string | number | boolean | null>>;

/**
 * JSON with sorted keys and no whitespace. `JSON.stringify` follows insertion order, which
 * is an accident of whoever built the object; sorting makes the hashed bytes reproducible by any tool
 * that re-reads an export and re-sorts the keys.
 */
export function canonicalJson(record: FlatRecord): string {
  const keys = Object.keys(record).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(record[key] ?? null)}`);
  return `{${members.join(',')}}`;
}
