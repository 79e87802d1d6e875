/**
 * One scrape of `/metrics`, parsed. Hand-written (about 30 lines) because the text-format parser in
 * the package lists, parse-prometheus-text-format, drops the labels, sum and count of a labelled
 * histogram, which is what these tests read. It follows the exposition format 0.0.4: `# TYPE` lines
 * name the families, every other non-comment line is `name{label="value",…} value`, with `\\`, `\"`
 * and `\n` escaped in label values.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** The exposition as served. */
  text: string;
  contentType: string;
  /** Family name → its TYPE (counter, gauge, histogram, …). */
  types: Map<string, string>;
  samples: Sample[];
  /** The sum of the samples named `name` whose labels include `labels`; 0 when none. */
  value(name: string, labels?: Record<string, string>): number;
  /** A histogram's observations (its `_count`) whose labels include `labels`. */
  count(name: string, labels?: Record<string, string>): number;
  /** A histogram's `_sum` over the samples whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
  /** Every value of `label` among the samples of the family `name`. */
  labelValues(name: string, label: string): Set<string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;

export function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] !== undefined && type[2] !== undefined) types.set(type[1], type[2]);
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = SAMPLE.exec(line);
    if (match?.[1] === undefined || match[3] === undefined) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
      if (key === undefined || raw === undefined) continue;
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { types, samples };
}

export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  const res = await fetch(new URL('/metrics', baseUrl));
  if (res.status !== 200) throw new Error(`GET /metrics answered ${String(res.status)}`);
  const text = await res.text();
  const { types, samples } = parseExposition(text);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((total, s) => total + s.value, 0);
  return {
    text,
    contentType: res.headers.get('content-type') ?? '',
    types,
    samples,
    value,
    count: (name, labels) => value(`${name}_count`, labels),
    sum: (name, labels) => value(`${name}_sum`, labels),
    labelValues: (name, label) =>
      new Set(
        samples
          .filter((s) => s.name === name || s.name.startsWith(`${name}_`))
          .flatMap((s) => (s.labels[label] === undefined ? [] : [s.labels[label]])),
      ),
  };
}
