import type { z } from 'zod';
import { patternProblem, refProblem, type RefRule } from '../core/safe-ref.ts';
import { checkGrants } from './grant-checks.ts';
import { NameBook } from './name-book.ts';
import type { ConfigFile, EnvironmentConfig, ServiceConfig } from './schema.ts';

/** Slack channel ids: public `C…`, private `G…` (https://api.slack.com/types/conversation). */
const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/**
 * Checks that span sections: every reference must be able to match something. Names and aliases mean
 * one thing each, across services and environments; every environment a key names is declared (by its
 * name, not an alias); channel rules name channel ids; grants name permissions Deckhand checks; freeze
 * windows end after they start; refs are refs Deckhand would send. Kept apart from the schema so each
 * issue carries the exact path to its key (load-config.ts turns it into a file and line).
 */
export function crossCheck(config: ConfigFile, ctx: z.RefinementCtx): void {
  const names = new NameBook(config);
  for (const problem of names.problems) ctx.addIssue({ code: 'custom', ...problem });

  for (const [svc, def] of Object.entries(config.services)) {
    for (const env of Object.keys(def.environments)) {
      const problem = names.environmentProblem(env);
      if (problem !== null) {
        ctx.addIssue({ code: 'custom', path: ['services', svc, 'environments', env], message: problem });
      }
    }
    checkRefs(svc, def, ctx);
  }

  const fallback = config.defaults.environment;
  const fallbackProblem = fallback === undefined ? null : names.environmentProblem(fallback);
  if (fallbackProblem !== null) {
    ctx.addIssue({ code: 'custom', path: ['defaults', 'environment'], message: fallbackProblem });
  }

  for (const [env, def] of Object.entries(config.environments)) {
    checkChannels(env, def, config.shell.channel, ctx);
    checkFreezes(env, def, ctx);
  }

  checkGrants(config, names, ctx);

  // Responders are listed per service by its name: a key naming no service would never be invited.
  for (const svc of Object.keys(config.incidents.responders)) {
    if (!(svc in config.services)) {
      const known = Object.keys(config.services).join(', ');
      ctx.addIssue({
        code: 'custom',
        path: ['incidents', 'responders', svc],
        message: `"${svc}" is not a service (by its name, not an alias); the services are ${known}`,
      });
    }
  }

  // A freeze naming no environment would never lock anything, silently.
  const frozen = config.incidents.freeze?.environment;
  if (frozen !== undefined && !(frozen in config.environments)) {
    ctx.addIssue({
      code: 'custom',
      path: ['incidents', 'freeze', 'environment'],
      message: `"${frozen}" is not an environment (by its name, not an alias); the environments are ${Object.keys(config.environments).join(', ')}`,
    });
  }
}

/**
 * A service's refs are refs Deckhand would send: github.ref (the branch the workflow runs from) by the
 * default rule, defaultRef (deployed as a version) by the service's own; and what `deploy <service>`
 * sends without a version passes the service's pattern.
 */
function checkRefs(svc: string, def: ServiceConfig, ctx: z.RefinementCtx): void {
  // A pattern that does not compile is reported by the schema; the refs are then checked by default.
  const rule: RefRule | undefined =
    def.refPattern === undefined || patternProblem(def.refPattern) !== null
      ? undefined
      : { pattern: def.refPattern, source: `services.${svc}.refPattern` };
  for (const [key, keyRule] of [
    ['ref', undefined],
    ['defaultRef', rule],
  ] as const) {
    const ref = def.github?.[key];
    const problem = ref === undefined ? null : refProblem(ref, keyRule);
    if (problem !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['services', svc, 'github', key],
        message: `"${String(ref)}" is not a ref Deckhand will send: ${problem}`,
      });
    }
  }
  const fallbackRef = def.github?.ref ?? 'main';
  if (rule === undefined || def.requireVersion || def.github?.defaultRef !== undefined) return;
  if (refProblem(fallbackRef) !== null) return;
  const problem = refProblem(fallbackRef, rule);
  if (problem !== null) {
    ctx.addIssue({
      code: 'custom',
      path: ['services', svc, 'refPattern'],
      message: `refuses "${fallbackRef}" (github.ref), which \`deploy ${svc}\` deploys when no version is given: set github.defaultRef to a version it accepts, or requireVersion: true`,
    });
  }
}

/** Channel rules name channel ids (or the shell's channel): a name never matches a request. */
function checkChannels(env: string, def: EnvironmentConfig, shell: string, ctx: z.RefinementCtx): void {
  def.channels.forEach((channel, i) => {
    if (CHANNEL_ID.test(channel) || channel === shell) return;
    ctx.addIssue({
      code: 'custom',
      path: ['environments', env, 'channels', i],
      message: `"${channel}" is not a channel id, so no request can ever come from it: use the id (C… or G…; in Slack, the channel's details show it at the bottom) or "${shell}" for the local shell`,
    });
  });
}

/** A freeze that ends when or before it starts never applies. */
function checkFreezes(env: string, def: EnvironmentConfig, ctx: z.RefinementCtx): void {
  def.freezes.forEach((window, i) => {
    const { from, until } = window;
    if (from !== undefined && until !== undefined && Date.parse(from) >= Date.parse(until)) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', env, 'freezes', i, 'until'],
        message: `until (${until}) is not after from (${from}), so it never applies`,
      });
    }
    if (window.start !== undefined && window.start === window.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', env, 'freezes', i, 'end'],
        message: `starts and ends at ${window.start}, so it never applies; leave start and end out to freeze whole days`,
      });
    }
  });
}
