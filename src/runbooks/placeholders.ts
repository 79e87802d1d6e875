/**
 * `{{ params.<name> }}` and `{{ steps.<id>.output.<key> }}` in a step's fields: the only two forms.
 * Hand-written because it is this small: a template engine (Handlebars, Mustache) would bring
 * helpers, partials and HTML escaping, each a way for a runbook to do more than name a value.
 * Values are inserted in one pass and never read again, so a value that itself contains `{{ … }}`
 * stays text. Nothing built here ever reaches a shell: fields go to Deckhand's ports as data.
 */

/** What a placeholder names. */
export type Reference = { kind: 'param'; name: string } | { kind: 'output'; step: string; key: string };

export interface Placeholder {
  reference: Reference;
  /** The placeholder as written, braces included. */
  source: string;
  /** Where it starts in the field's text (0-based, UTF-16 units). */
  index: number;
}

export type TemplatePart = { literal: string } | { placeholder: Placeholder };

export type TemplateParse =
  | { ok: true; parts: TemplatePart[]; placeholders: Placeholder[] }
  | { ok: false; message: string; index: number };

const OPEN = '{{';
const CLOSE = '}}';
const PARAM = /^params\.([a-z][a-z0-9_]*)$/;
const OUTPUT = /^steps\.([a-z][a-z0-9_]*)\.output\.([A-Za-z][A-Za-z0-9_]*)$/;

/** Splits a field's text into literal text and placeholders; anything else inside `{{ }}` is refused. */
export function parseTemplate(text: string): TemplateParse {
  const parts: TemplatePart[] = [];
  const placeholders: Placeholder[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf(OPEN, at);
    if (open === -1) break;
    if (open > at) parts.push({ literal: text.slice(at, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) {
      return { ok: false, index: open, message: '"{{" is not closed with "}}"' };
    }
    const inner = text.slice(open + OPEN.length, close).trim();
    const reference = readReference(inner);
    if (reference === null) {
      return {
        ok: false,
        index: open,
        message: `"{{ ${inner} }}" is not a placeholder: write {{ params.<name> }} or {{ steps.<id>.output.<key> }}`,
      };
    }
    const placeholder = { reference, source: text.slice(open, close + CLOSE.length), index: open };
    parts.push({ placeholder });
    placeholders.push(placeholder);
    at = close + CLOSE.length;
  }
  if (at < text.length) parts.push({ literal: text.slice(at) });
  return { ok: true, parts, placeholders };
}

function readReference(inner: string): Reference | null {
  const param = PARAM.exec(inner);
  if (param?.[1] !== undefined) return { kind: 'param', name: param[1] };
  const output = OUTPUT.exec(inner);
  if (output?.[1] !== undefined && output[2] !== undefined) {
    return { kind: 'output', step: output[1], key: output[2] };
  }
  return null;
}

/** The placeholder when a field is exactly one (surrounding spaces allowed), else undefined. */
export function wholePlaceholder(parts: readonly TemplatePart[]): Placeholder | undefined {
  const meaningful = parts.filter((p) => !('literal' in p) || p.literal.trim() !== '');
  const only = meaningful.length === 1 ? meaningful[0] : undefined;
  return only !== undefined && 'placeholder' in only ? only.placeholder : undefined;
}

/**
 * Fills in a parsed template. `lookup` gives a reference's text, or undefined when it is not known
 * yet (an output of a step that has not run): that placeholder stays as written and is listed in
 * `unresolved`. `encode` is applied to each value (encodeURIComponent for URLs), never to literals.
 */
export function interpolate(
  parts: readonly TemplatePart[],
  lookup: (reference: Reference) => string | undefined,
  encode: (value: string) => string = (value) => value,
): { text: string; unresolved: Placeholder[] } {
  const unresolved: Placeholder[] = [];
  let text = '';
  for (const part of parts) {
    if ('literal' in part) {
      text += part.literal;
      continue;
    }
    const value = lookup(part.placeholder.reference);
    if (value === undefined) {
      unresolved.push(part.placeholder);
      text += part.placeholder.source;
    } else {
      text += encode(value);
    }
  }
  return { text, unresolved };
}

/** How a reference reads in messages: `params.size`, `steps.check.output.status`. */
export function describeReference(reference: Reference): string {
  return reference.kind === 'param'
    ? `params.${reference.name}`
    : `steps.${reference.step}.output.${reference.key}`;
}
