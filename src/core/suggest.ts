import { distance } from 'fastest-levenshtein';

/**
 * The candidates closest to what was typed, for "did you mean". A candidate qualifies when it is a
 * few edits away (one for short names, up to three for long ones), or starts with what was typed.
 */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const typed = word.toLowerCase();
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = distance(typed, c);
    const limit = c.length <= 3 ? 1 : c.length <= 6 ? 2 : 3;
    if (d <= limit) scored.push({ candidate, score: d });
    else if (typed.length >= 2 && c.startsWith(typed)) scored.push({ candidate, score: limit + 0.5 });
  }
  scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate));
  return [...new Set(scored.map((s) => s.candidate))].slice(0, max);
}
