/**
 * GitHub's `created` query for runs uses the search date syntax: `>=2026-01-05T10:00:00Z`, `<date`,
 * `a..b` (either side may be `*`), or a bare date meaning that whole day. Returns a predicate over
 * epoch milliseconds; an unreadable expression matches nothing, so a client bug shows up as "no runs".
 */
export function createdFilter(expression: string): (ms: number) => boolean {
  const expr = expression.trim();
  const range = /^(.+)\.\.(.+)$/.exec(expr);
  if (range !== null) {
    const from = range[1] === '*' ? -Infinity : bound(range[1] ?? '', 'start');
    const to = range[2] === '*' ? Infinity : bound(range[2] ?? '', 'end');
    return (ms) => ms >= from && ms <= to;
  }
  const comparison = /^(>=|<=|>|<)(.+)$/.exec(expr);
  if (comparison !== null) {
    const operator = comparison[1];
    const value = comparison[2] ?? '';
    switch (operator) {
      case '>=':
        return (ms) => ms >= bound(value, 'start');
      case '>':
        return (ms) => ms > bound(value, 'end');
      case '<=':
        return (ms) => ms <= bound(value, 'end');
      default:
        return (ms) => ms < bound(value, 'start');
    }
  }
  const from = bound(expr, 'start');
  const to = bound(expr, 'end');
  return (ms) => ms >= from && ms <= to;
}

/** A date alone covers its whole UTC day; a date-time covers its whole second. */
function bound(value: string, side: 'start' | 'end'): number {
  const trimmed = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed);
  const parsed = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed);
  if (Number.isNaN(parsed)) return side === 'start' ? Infinity : -Infinity;
  if (side === 'start') return parsed;
  return parsed + (dateOnly ? 86_400_000 : 1000) - 1;
}
