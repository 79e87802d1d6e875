import { closest } from '../core/suggest.ts';
import { parseDuration } from '../core/duration.ts';
import { DeckhandError } from '../core/errors.ts';
import { assertSafeRef, DEFAULT_REF_RULE, type RefRule } from '../core/safe-ref.ts';
import type { ConfigFile, EnvironmentConfig, ServiceConfig, ServiceTarget } from './schema.ts';

/** How long each step may take, in milliseconds (see `deadlines` in deckhand.yml). */
export interface StepDeadlines {
  /** A workflow run waiting for a runner. */
  queued: number;
  /** A workflow run running. */
  running: number;
  /** The Kubernetes rollout. */
  rollout: number;
}

/**
 * The services and environments of a config, looked up by the names and aliases people type.
 * Every name that comes from chat goes through here, so nothing unlisted reaches an adapter.
 */
export class Catalog {
  private readonly serviceByName = new Map<string, string>();
  private readonly environmentByName = new Map<string, string>();

  constructor(readonly config: ConfigFile) {
    for (const [svc, def] of Object.entries(config.services)) {
      for (const n of [svc, ...def.aliases]) this.serviceByName.set(n.toLowerCase(), svc);
    }
    for (const [env, def] of Object.entries(config.environments)) {
      for (const n of [env, ...def.aliases]) this.environmentByName.set(n.toLowerCase(), env);
    }
  }

  get serviceNames(): string[] {
    return Object.keys(this.config.services);
  }

  get environmentNames(): string[] {
    return Object.keys(this.config.environments);
  }

  findService(word: string): string | undefined {
    return this.serviceByName.get(word.toLowerCase());
  }

  findEnvironment(word: string): string | undefined {
    return this.environmentByName.get(word.toLowerCase());
  }

  /** The service a word names, or an error that suggests the closest names. */
  service(word: string): string {
    const found = this.findService(word);
    if (found !== undefined) return found;
    throw this.serviceError(word);
  }

  environment(word: string): string {
    const found = this.findEnvironment(word);
    if (found !== undefined) return found;
    throw this.environmentError(word);
  }

  /** `There is no service called "apu". Did you mean api? Services: …` (code `unknown_service`). */
  serviceError(word: string): DeckhandError {
    return notFound('service', word, this.serviceByName, this.serviceNames);
  }

  /** `There is no environment called "stagign". Did you mean staging? …` (code `unknown_environment`). */
  environmentError(word: string): DeckhandError {
    return notFound('environment', word, this.environmentByName, this.environmentNames);
  }

  /** The services or environments a mistyped word is close to (by name or alias), for "did you mean". */
  nearest(kind: 'service' | 'environment', word: string): string[] {
    const byName = kind === 'service' ? this.serviceByName : this.environmentByName;
    return [...new Set(closest(word, byName.keys()).map((n) => byName.get(n) ?? n))];
  }

  /** The rule a version or ref of this service must pass: its `refPattern`, or the default. */
  refRule(service: string | undefined): RefRule {
    if (service === undefined) return DEFAULT_REF_RULE;
    const pattern = this.config.services[service]?.refPattern;
    return pattern === undefined ? DEFAULT_REF_RULE : { pattern, source: `services.${service}.refPattern` };
  }

  /**
   * The ref, when the service's rule lets Deckhand send it (src/core/safe-ref.ts).
   *
   * @throws DeckhandError `invalid_arguments` naming what is wrong with it.
   */
  checkRef(service: string | undefined, ref: string): string {
    return assertSafeRef(ref, this.refRule(service));
  }

  /**
   * What `deploy <service>` deploys when no version is given: `github.defaultRef`, else `github.ref`
   * (the branch the workflow runs from, `main` unless configured).
   */
  defaultRef(service: string): string {
    const github = this.serviceConfig(service).github;
    return github?.defaultRef ?? github?.ref ?? 'main';
  }

  /** For a word that could have named either a service or an environment. */
  neitherError(word: string): DeckhandError {
    const names = [...this.serviceByName.keys(), ...this.environmentByName.keys()];
    const near = closest(word, names).map(
      (n) => this.serviceByName.get(n) ?? this.environmentByName.get(n) ?? n,
    );
    const hint = near.length > 0 ? ` Did you mean ${[...new Set(near)].join(' or ')}?` : '';
    return new DeckhandError(
      'unknown_service',
      `"${word}" is neither a service nor an environment.${hint} Services: ${this.serviceNames.join(', ')}. Environments: ${this.environmentNames.join(', ')}.`,
    );
  }

  defaultEnvironment(): string | undefined {
    return this.config.defaults.environment;
  }

  serviceConfig(service: string): ServiceConfig {
    const def = this.config.services[service];
    if (def === undefined) throw notFound('service', service, this.serviceByName, this.serviceNames);
    return def;
  }

  environmentConfig(environment: string): EnvironmentConfig {
    const def = this.config.environments[environment];
    if (def === undefined) {
      throw notFound('environment', environment, this.environmentByName, this.environmentNames);
    }
    return def;
  }

  /** Where a service runs in an environment; refuses pairs the config does not list. */
  target(service: string, environment: string): ServiceTarget {
    const def = this.serviceConfig(service);
    const target = def.environments[environment];
    if (target === undefined) {
      throw new DeckhandError(
        'unknown_environment',
        `${service} does not run in ${environment}; it runs in ${Object.keys(def.environments).join(', ')}.`,
      );
    }
    return target;
  }

  /**
   * The step deadlines of a service, in milliseconds: its own `deadlines`, over the top-level ones.
   * Validated when the config was read, so every value parses.
   */
  deadlinesOf(service: string): StepDeadlines {
    const own = this.serviceConfig(service).deadlines ?? {};
    const all = this.config.deadlines;
    return {
      queued: parseDuration(own.queued ?? all.queued),
      running: parseDuration(own.running ?? all.running),
      rollout: parseDuration(own.rollout ?? all.rollout),
    };
  }

  environmentsOf(service: string): string[] {
    return Object.keys(this.serviceConfig(service).environments);
  }
}

function notFound(
  kind: 'service' | 'environment',
  word: string,
  byName: Map<string, string>,
  all: string[],
): DeckhandError {
  const near = [...new Set(closest(word, byName.keys()).map((n) => byName.get(n) ?? n))];
  const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
  const list = kind === 'service' ? 'Services' : 'Environments';
  return new DeckhandError(
    kind === 'service' ? 'unknown_service' : 'unknown_environment',
    `There is no ${kind} called "${word}".${hint} ${list}: ${all.join(', ')}.`,
  );
}
