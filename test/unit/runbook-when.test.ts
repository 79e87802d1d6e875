import { describe, expect, it } from 'vitest';
import { isDeckhandError } from '../../src/core/errors.ts';
import {
  checkWhen,
  evaluateWhen,
  requiredStepStatuses,
  type WhenScope,
  type WhenValues,
} from '../../src/runbooks/when-expression.ts';

const scope: WhenScope = {
  params: { size: 'enum', count: 'integer', pause: 'duration', force: 'boolean', env: 'environment' },
  steps: { check: { status: 'int' }, status: { readyReplicas: 'int', replicas: 'int', image: 'string' } },
  laterSteps: ['this', 'later'],
};

const values: WhenValues = {
  params: {
    size: { type: 'enum', value: 'peak' },
    count: { type: 'integer', value: 3 },
    pause: { type: 'duration', value: 300_000, text: '5m' },
    force: { type: 'boolean', value: false },
    env: { type: 'environment', value: 'production' },
  },
  steps: {
    check: { status: 'failed', output: { status: 503 } },
    status: {
      status: 'succeeded',
      output: { readyReplicas: 1, replicas: 3, image: 'ghcr.io/acme/api:v2-bad' },
    },
  },
};

describe('when expressions (CEL)', () => {
  it.each([
    ['params.size == "peak"', true],
    ['params.size in ["busy", "peak"]', true],
    ['params.count > 2 && params.count <= 3', true],
    ['params.pause >= duration("5m")', true],
    ['params.pause > duration("1h")', false],
    ['!params.force', true],
    ['params.env == "production" || params.force', true],
    ['steps.check.status == "failed"', true],
    ['steps.check.output.status >= 500', true],
    ['steps.status.output.readyReplicas < steps.status.output.replicas', true],
    ['steps.status.output.image.endsWith("-bad")', true],
    ['has(steps.check.output.status)', true],
  ])('%s is %s', (expression, expected) => {
    expect(checkWhen(expression, scope)).toMatchObject({ ok: true });
    expect(evaluateWhen(expression, values)).toBe(expected);
  });

  it('says what an expression reads, and nothing for a constant', () => {
    expect(checkWhen('params.size == "peak" && steps.check.output.status == 503', scope)).toEqual({
      ok: true,
      references: [
        { kind: 'param', name: 'size' },
        { kind: 'output', step: 'check', key: 'status' },
      ],
      constant: undefined,
    });
    expect(checkWhen('1 == 1', scope)).toEqual({ ok: true, references: [], constant: true });
    expect(checkWhen('1 == 2', scope)).toEqual({ ok: true, references: [], constant: false });
  });

  // Nothing in an expression reaches the process, JavaScript's globals or an object's prototype.
  it.each([
    ['process.exit(1)', /Unknown variable: process/],
    ['globalThis', /Unknown variable: globalThis/],
    ['this', /Unknown variable: this/],
    ['require("child_process")', /found no matching overload for 'require\(string\)'/],
    ['eval("1")', /found no matching overload for 'eval\(string\)'/],
    ['params.constructor', /params.constructor is not a parameter/],
    ['params["__proto__"]', /params.__proto__ is not a parameter/],
    ['params.size.constructor', /params.size is a value; it has no .constructor/],
    ['"".constructor.constructor("return process")()', /does not parse as CEL/],
    ['steps.check.output.__proto__', /steps.check.output.__proto__ does not exist/],
    ['steps.check.constructor', /write steps.check.status or steps.check.output.<key>/],
    ['params[params.size]', /write params.<name> with a name/],
    ['size(params) > 0', /write params.<name> with a name, not params on its own/],
    ['steps.later.status == "failed"', /steps.later comes later in the runbook/],
    ['steps.this.status == "failed"', /steps.this is this step/],
  ])('refuses %s', (expression, message) => {
    const checked = checkWhen(expression, scope);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.message).toMatch(message);
  });

  it('refuses an expression too large to be a condition', () => {
    const huge = Array.from({ length: 120 }, (_, i) => `params.count == ${i}`).join(' || ');
    const checked = checkWhen(huge, scope);
    expect(checked.ok ? '' : checked.message).toMatch(/maxAstNodes/);
  });

  it('evaluates only over the values it is given: the process is out of reach even unchecked', () => {
    for (const expression of ['process.exit(1)', 'params.constructor', 'steps.check.__proto__ == null']) {
      let caught: unknown;
      try {
        evaluateWhen(expression, values);
      } catch (error) {
        caught = error;
      }
      expect(isDeckhandError(caught) && caught.code).toBe('runbook_invalid');
      expect(isDeckhandError(caught) && caught.userMessage).toContain(
        `when: ${expression} could not be evaluated`,
      );
    }
  });

  it('says so when an expression reads an output a skipped step does not have', () => {
    const skipped: WhenValues = { ...values, steps: { check: { status: 'skipped', output: {} } } };
    expect(() => evaluateWhen('steps.check.output.status == 503', skipped)).toThrow(/No such key: status/);
    expect(evaluateWhen('has(steps.check.output.status) && steps.check.output.status == 503', skipped)).toBe(
      false,
    );
  });

  it('finds the statuses a when cannot be true without', () => {
    expect(requiredStepStatuses('steps.a.status == "failed" && params.force')).toEqual([
      { step: 'a', status: 'failed' },
    ]);
    expect(requiredStepStatuses('"failed" == steps.a.status')).toEqual([{ step: 'a', status: 'failed' }]);
    // Either side of || may hold without it.
    expect(requiredStepStatuses('steps.a.status == "failed" || params.force')).toEqual([]);
  });
});
