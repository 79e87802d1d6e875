import type { Clock } from '../../core/clock.ts';
import { apiError, type SimRequest, type SimResponse } from './http-kit.ts';
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
  counters: { dispatches: number };
  issuedInstallationTokens: number;
}

export function withRepo(
  ctx: SimContext,
  req: SimRequest,
  then: (repo: RepoRecord) => SimResponse,
): SimResponse {
  const repo = ctx.state.findRepo(req.params.owner ?? '', req.params.repo ?? '');
  return repo === undefined ? apiError(404, 'Not Found') : then(repo);
}
