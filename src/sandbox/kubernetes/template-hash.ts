import type { PodTemplate } from './types.ts';

/**
 * Pod templates are compared and hashed in a canonical form: keys sorted, and nulls and empty
 * objects/arrays dropped. Clients that round-trip templates through Go structs (kubectl rollout
 * undo) add `creationTimestamp: null` and `resources: {}`; the canonical form makes those the
 * same template, as the real controller's semantic comparison does.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

export const POD_TEMPLATE_HASH = 'pod-template-hash';

function withoutHashLabel(template: PodTemplate): PodTemplate {
  const { [POD_TEMPLATE_HASH]: _hash, ...labels } = template.metadata.labels ?? {};
  return { ...template, metadata: { ...template.metadata, labels } };
}

export function templatesEqual(a: PodTemplate, b: PodTemplate): boolean {
  return JSON.stringify(canonical(withoutHashLabel(a))) === JSON.stringify(canonical(withoutHashLabel(b)));
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function spell(n: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += SAFE_ALPHABET.charAt(n % SAFE_ALPHABET.length);
    n = Math.floor(n / SAFE_ALPHABET.length);
  }
  return out;
}

/** FNV-1a over the canonical template, spelled with the alphabet Kubernetes uses for the label. */
export function templateHash(template: PodTemplate): string {
  const text = JSON.stringify(canonical(withoutHashLabel(template)));
  return spell(fnv1a(text, 0x811c9dc5), 6) + spell(fnv1a(text, 0x01000193), 4);
}
