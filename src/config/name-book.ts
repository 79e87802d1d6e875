import { closest } from '../core/suggest.ts';
import type { ConfigFile } from './schema.ts';

/** What a word means in a config: a service or an environment, by name or alias. */
interface Owner {
  kind: 'service' | 'environment';
  name: string;
}

/** What an environment reference in the config comes to. */
export type EnvironmentReference =
  { found: 'name' } | { found: 'alias'; name: string } | { found: 'nothing'; near: string[] };

/** A config problem at a key, for the schema's refinement context. */
export interface NameProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Every name and alias of a config's services and environments, read as the Catalog reads them (case
 * ignored), with the problems that make a word mean two things: an alias used twice, or shared by a
 * service and an environment (`status prod` could then show either).
 */
export class NameBook {
  readonly problems: NameProblem[] = [];
  private readonly owners = new Map<string, Owner>();
  private readonly environments: string[];

  constructor(config: ConfigFile) {
    this.environments = Object.keys(config.environments);
    for (const [env, def] of Object.entries(config.environments)) {
      this.add('environment', env, def.aliases, ['environments', env]);
    }
    for (const [svc, def] of Object.entries(config.services)) {
      this.add('service', svc, def.aliases, ['services', svc]);
    }
  }

  /** Whether a word names an environment by its name, by an alias, or not at all (with the closest names). */
  environment(word: string): EnvironmentReference {
    if (this.environments.includes(word)) return { found: 'name' };
    const owner = this.owners.get(word.toLowerCase());
    if (owner?.kind === 'environment') return { found: 'alias', name: owner.name };
    const words = [...this.owners].filter(([, o]) => o.kind === 'environment').map(([w]) => w);
    const near = closest(word, words).map((w) => this.owners.get(w)?.name ?? w);
    return { found: 'nothing', near: [...new Set(near)] };
  }

  /** Null when the word is an environment's name; otherwise what to write instead. */
  environmentProblem(word: string): string | null {
    const ref = this.environment(word);
    if (ref.found === 'name') return null;
    if (ref.found === 'alias') {
      return `"${word}" is an alias of environment ${ref.name}; the config names environments by their name: ${ref.name}`;
    }
    const hint = ref.near.length > 0 ? `did you mean ${ref.near.join(' or ')}? ` : '';
    return `environment "${word}" is not declared under environments: ${hint}(declared: ${this.environments.join(', ')})`;
  }

  get environmentNames(): string[] {
    return this.environments;
  }

  private add(kind: Owner['kind'], name: string, aliases: string[], path: (string | number)[]): void {
    [name, ...aliases].forEach((word, i) => {
      const key = word.toLowerCase();
      const other = this.owners.get(key);
      if (other === undefined) {
        this.owners.set(key, { kind, name });
        return;
      }
      const at = i === 0 ? path : [...path, 'aliases', i - 1];
      const message =
        other.kind === kind && other.name === name
          ? `"${word}" is listed twice for ${kind} ${name}`
          : `"${word}" already names ${other.kind} ${other.name}; each name or alias may mean one service or environment, or a command could read it either way`;
      this.problems.push({ path: at, message });
    });
  }
}
