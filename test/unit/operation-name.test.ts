import { describe, expect, it } from 'vitest';
import { describeChange, describeOperation, operationTitle } from '../../src/operations/operation-name.ts';

describe('how an operation is named', () => {
  const deploy = { kind: 'deploy', service: 'api', environment: 'staging', ref: 'v1.2.3' } as const;
  const rollback = { kind: 'rollback', service: 'api', environment: 'production', ref: '41' } as const;
  const previous = { ...rollback, ref: '' };

  it('says the same thing in a title, a sentence and a table row', () => {
    expect(operationTitle(deploy)).toBe('Deploy api v1.2.3 → staging');
    expect(describeOperation(deploy)).toBe('deploy api v1.2.3 to staging');
    expect(describeChange(deploy)).toBe('deploy v1.2.3');

    expect(operationTitle(rollback)).toBe('Rollback api to revision 41 → production');
    expect(describeOperation(rollback)).toBe('rollback api to revision 41 in production');
    expect(describeChange(rollback)).toBe('rollback to revision 41');
  });

  it('names a rollback without a ref as one to the previous version', () => {
    expect(operationTitle(previous)).toBe('Rollback api to the previous version → production');
    expect(describeOperation(previous)).toBe('rollback api to the previous version in production');
    expect(describeChange(previous)).toBe('rollback to the previous version');
  });
});
