import { typedText } from '../core/markup.ts';

/** A step's outputs, by the step catalog's names (replica counts, an image, a URL…). */
export type StepOutputs = Record<string, string | number | boolean>;

/**
 * A step's outputs as markup lines, `*name:* value`, in the order the step wrote them. Values came
 * from outside (the cluster, GitHub, a health endpoint): they are text, never markup.
 */
export function outputLines(outputs: StepOutputs): string[] {
  return Object.entries(outputs).map(([key, value]) => `*${typedText(key)}:* ${formatValue(value)}`);
}

function formatValue(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return value === '' ? '(empty)' : typedText(value);
}
