import type { Clock } from '../../core/clock.ts';
import type { JwtIssuer } from './app-jwt.ts';
import { apiError, type SimRequest, type SimResponse } from './http-kit.ts';
import type { InstallationTokens } from './installation-tokens.ts';
import type { Progression } from './progression.ts';
import type { RepoRecord, SimState } from './state.ts';
import type { Scenario } from './types.ts';

/** What route handlers share; built once per simulator, never a module-level singleton. */
export interface SimContext {
  state: SimState;
  clock: Clock;
  progression: Progression;
  scenario: Scenario;
  rejectReturnRunDetails: boolean;
  base(): string;
  counters: { dispatches: number; appJwtsRejected: number };
  /** The GitHub App the simulator acts for, if any (see SimulatedGitHubApp). */
  app: SimApp | undefined;
  tokens: InstallationTokens;
}

/** SimulatedGitHubApp with its key parsed and its defaults applied. */
export interface SimApp {
  issuer: JwtIssuer;
  installationId: number;
  tokenLifetimeMs: number;
  permissions: Record<string, 'read' | 'write'>;
}

export function withRepo(
  ctx: SimContext,
  req: SimRequest,
  then: (repo: RepoRecord) => SimResponse,
): SimResponse {
  const repo = ctx.state.findRepo(req.params.owner ?? '', req.params.repo ?? '');
  return repo === undefined ? apiError(404, 'Not Found') : then(repo);
}
