import type { Scenario } from './types.ts';

/** The default scenario: everything succeeds unless an input asks to fail. */
export const defaultScenario: Scenario = (dispatch) =>
  Object.values(dispatch.inputs).some((value) => value.toLowerCase().includes('fail'))
    ? 'failure'
    : 'success';
