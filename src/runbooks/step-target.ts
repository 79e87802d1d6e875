import type { Catalog } from '../config/catalog.ts';
import { planRunbook } from './dry-run-plan.ts';
import type { PlannedAction, PlannedStep } from './runbook-plan-types.ts';
import type { RunbookSet } from './runbook-loader.ts';

/** What a run's step acts on: a service in an environment, a URL, or nothing (a wait, a message). */
export interface StepTarget {
  service: string | null;
  environment: string | null;
  /** For people: `api in staging`, `GET https://…`, or '' for a step without a target. */
  text: string;
}

/**
 * The steps of a run as its parameters resolve them now (the run's inputs are kept as typed, so
 * the plan comes out the same as when it started), or null when its runbook is no longer loaded or
 * its parameters no longer fit. Pure over the loaded runbooks and the catalog.
 */
export function plannedStepsOfRun(
  runbooks: RunbookSet,
  catalog: Catalog,
  run: { ref: string; inputs: Record<string, string> },
): PlannedStep[] | null {
  const loaded = runbooks.runbooks.find((r) => r.runbook.id === run.ref);
  if (loaded === undefined) return null;
  const planned = planRunbook(
    loaded.runbook,
    Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`),
    catalog,
  );
  return planned.ok ? planned.plan.steps : null;
}

/** The target of one resolved step, for audit entries and `runbook output`. */
export function stepTarget(action: PlannedAction | null): StepTarget {
  if (action === null) return { service: null, environment: null, text: '' };
  if ('target' in action) {
    const { service, environment } = action.target;
    return { service, environment, text: `${service} in ${environment}` };
  }
  if (action.type === 'http.check')
    return { service: null, environment: null, text: `GET ${action.url.text}` };
  return { service: null, environment: null, text: '' };
}
