/**
 * Names and uids for objects the simulator creates. Deterministic per simulator (a seeded
 * generator, not Math.random) so test output and snapshots are stable from run to run.
 */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class IdSource {
  private state: number;

  constructor(seed = 0x9e3779b9) {
    this.state = seed >>> 0;
  }

  /** Where the generator is; `new IdSource(state)` carries on from here (the sandbox saves it). */
  get position(): number {
    return this.state;
  }

  /** mulberry32: tiny and good enough for names. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Like the suffix the ReplicaSet controller gives pods (`api-5d8f9c7b6d-x2kqz`). */
  suffix(length = 5): string {
    let out = '';
    for (let i = 0; i < length; i++)
      out += SAFE_ALPHABET.charAt(Math.floor(this.next() * SAFE_ALPHABET.length));
    return out;
  }

  uid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  hex(length: number): string {
    return Array.from({ length }, () => Math.floor(this.next() * 16).toString(16)).join('');
  }
}

/** The way the apiserver writes timestamps: RFC 3339 with whole seconds. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
