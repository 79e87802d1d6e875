import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Chores } from '../../src/chores.ts';

describe('housekeeping chores', () => {
  it('runs every chore in order even when one fails, then reports the first failure', async () => {
    const chores = new Chores(pino({ level: 'silent' }));
    const ran: string[] = [];
    chores.add({ name: 'approval expiry', run: () => Promise.resolve(void ran.push('approvals')) });
    chores.add({ name: 'weekly digest', run: () => Promise.reject(new Error('Slack is down')) });
    chores.add({ name: 'lock expiry', run: () => Promise.resolve(void ran.push('locks')) });
    await expect(chores.runAll()).rejects.toThrow('Slack is down');
    expect(ran).toEqual(['approvals', 'locks']);
  });

  it('stops running a chore once it is removed', async () => {
    const chores = new Chores(pino({ level: 'silent' }));
    let runs = 0;
    const remove = chores.add({ name: 'digest', run: () => Promise.resolve(void (runs += 1)) });
    await chores.runAll();
    remove();
    await chores.runAll();
    expect(runs).toBe(1);
  });
});
