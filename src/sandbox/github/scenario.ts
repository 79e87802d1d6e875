import type { Scenario } from './types.ts';

/**
 * The default scenario: everything succeeds unless an input asks otherwise. A value containing `fail`
 * fails the run; one containing `queued` leaves it queued, as if no runner were online.
 */
export const defaultScenario: Scenario = (dispatch) => {
  const values = Object.values(dispatch.inputs).map((value) => value.toLowerCase());
  if (values.some((value) => value.includes('fail'))) return 'failure';
  if (values.some((value) => value.includes('queued'))) return 'queued';
  return 'success';
};
