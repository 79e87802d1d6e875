/**
 * An approval re-checks the whole policy at the moment it is given (issue 8, case 7 and its
 * siblings): a deploy asked for before a freeze began is not let through by an approver without
 * freeze:override once the freeze is in force.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const DEPLOYS = { channel: 'C0DEPLOYS' };
/** Friday 23:45 UTC: fifteen minutes before the example config's weekend freeze. */
const FRIDAY_NIGHT = '2026-11-27T23:45:00Z';

let h: SandboxHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(): Promise<SandboxHarness> {
  const config = exampleConfig();
  // Two people who may deploy to production but not override a freeze.
  config.roles.releaser = { grants: ['deploy:*'], members: ['U000DAVE', 'U000ERIN'] };
  return startSandboxHarness({ config, at: FRIDAY_NIGHT });
}

describe('approving after the rules changed', () => {
  it('refuses an approval given during a freeze that began after the request, and says why', async () => {
    h = await start();
    const asked = await h.run('deploy api v1.2.3 to production', { user: 'U000DAVE', ...DEPLOYS });
    expect(asked.decision).toBe('allowed');
    const id = (await h.latest()).id;

    h.clock.advance(20 * 60_000); // Saturday 00:05: the weekend freeze is in force
    const approval = await h.run(`approve ${id}`, { user: 'U000ERIN', ...DEPLOYS });
    expect(approval.decision).toBe('denied');
    expect(renderText(approval.reply)).toMatch(
      /can no longer be approved: production is frozen \(weekend freeze\).*have someone with freeze:override approve it/s,
    );
    expect((await h.store.operations.get(id))?.state).toBe('awaiting_approval');
    expect(h.sandbox.github.stats().dispatches).toBe(0);

    // Someone who may override the freeze can still let it through, knowingly.
    const overridden = await h.run(`approve ${id}`, { user: 'U000BOB', ...DEPLOYS });
    expect(overridden.decision).toBe('allowed');
    expect((await h.settle(id)).state).toBe('succeeded');
  });

  it('lets the same approval through when no rule changed', async () => {
    h = await start();
    await h.run('deploy api v1.2.3 to production', { user: 'U000DAVE', ...DEPLOYS });
    const id = (await h.latest()).id;
    h.clock.advance(5 * 60_000); // Friday 23:50: still no freeze
    expect((await h.run(`approve ${id}`, { user: 'U000ERIN', ...DEPLOYS })).decision).toBe('allowed');
    expect((await h.settle(id)).state).toBe('succeeded');
  });
});
