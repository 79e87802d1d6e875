import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { grantsFromManifests } from '../../src/sandbox/kubernetes/rbac-manifests.ts';
import type { PolicyRule, RbacGrants, ResourceAttributes } from '../../src/sandbox/kubernetes/rbac.ts';
import { startSandbox } from '../../src/sandbox/sandbox.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/**
 * Issue 13: the Role in deploy/ is enough and minimal. The Kubernetes simulator authorizes every
 * request as Deckhand's service account against the Roles `kubectl kustomize deploy/` renders; the
 * commands that touch the cluster work with them, and without any one rule some command fails with
 * a message naming the missing permission.
 */
function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasKubectl = kubectlAvailable();
if (!hasKubectl)
  console.warn('RBAC mode tests SKIPPED: kubectl (which renders deploy/ with Kustomize) is not installed');

const DEPLOY = new URL('../../deploy', import.meta.url).pathname;
const SERVICE_ACCOUNT = { namespace: 'deckhand', name: 'deckhand' };
const HINT = 'check the Role in deploy/';

function renderedGrants(): RbacGrants {
  const text = execFileSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8' });
  return grantsFromManifests(text, SERVICE_ACCOUNT);
}

/** The same grants with rule `index` of every namespace's Role taken out. */
function without(grants: RbacGrants, index: number): RbacGrants {
  const namespaced = new Map(
    [...grants.namespaced].map(([namespace, rules]) => [namespace, rules.filter((_, i) => i !== index)]),
  );
  return { ...grants, namespaced };
}

interface Decision {
  request: ResourceAttributes;
  allowed: boolean;
}

async function harnessWith(grants: RbacGrants, decisions: Decision[]): Promise<SandboxHarness> {
  const config = exampleConfig();
  const clock = new ManualClock(WEEKDAY);
  const sandbox = await startSandbox({
    config,
    clock,
    tickMs: 0,
    workflowSeconds: 30,
    kubernetesRbac: { grants, onDecision: (request, allowed) => decisions.push({ request, allowed }) },
  });
  const h = await startSandboxHarness({ config, clock, sandbox });
  const close = h.close.bind(h);
  h.close = async () => {
    await close();
    await sandbox.close();
  };
  return h;
}

/** What each command said or ended with, by command. */
type Results = Record<string, { ok: boolean; text: string }>;

async function untilWaiting(h: SandboxHarness, id: string, step: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const run = await h.store.runbookRuns.get(id);
    if (run?.steps.find((s) => s.id === step)?.status === 'waiting') return true;
    const op = await h.store.operations.get(id);
    if (op?.state === 'failed') return false;
    await h.step(500);
  }
  return false;
}

/** Runs an operation's command to its end: succeeded, or what it failed with. */
async function operation(
  h: SandboxHarness,
  text: string,
  answer?: string,
): Promise<{ ok: boolean; text: string }> {
  const outcome = await h.run(text);
  if (outcome.decision !== 'allowed') return { ok: false, text: renderText(outcome.reply) };
  const op = await h.latest();
  if (answer !== undefined && (await untilWaiting(h, op.id, answer)))
    await h.run(`runbook continue ${op.id}`);
  const done = await h.settle(op.id);
  const events = await h.deckhand.events.forOperation(op.id);
  const run = await h.store.runbookRuns.get(op.id);
  return { ok: done.state === 'succeeded', text: JSON.stringify({ state: done.state, events, run }) };
}

/** Every command issue 13 names that touches the cluster: status, deploy, rollback, restart, scale, a runbook. */
async function everyCommand(h: SandboxHarness): Promise<Results> {
  const results: Results = {};
  const status = await h.run('status api staging');
  const statusText = renderText(status.reply);
  results.status = { ok: status.decision === 'allowed' && !statusText.includes('refused'), text: statusText };
  results.deploy = await operation(h, 'deploy api v1.2.3 to staging');
  results.rollback = await operation(h, 'rollback api staging');
  results['restart (runbook restart-api)'] = await operation(h, 'runbook run restart-api env=staging');
  results['scale (runbook scale-for-traffic)'] = await operation(
    h,
    'runbook run scale-for-traffic env=staging size=busy',
    'go_ahead',
  );
  return results;
}

const permission = (r: ResourceAttributes) => `${r.verb} ${r.group === '' ? 'core' : r.group}/${r.resource}`;

describe.skipIf(!hasKubectl)('the Kubernetes simulator in RBAC mode, with the Roles deploy/ renders', () => {
  let h: SandboxHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it(
    'lets deploy, rollback, status, restart, scale and a runbook do their work, and refuses anything else',
    { timeout: 120_000 },
    async () => {
      const grants = renderedGrants();
      expect([...grants.namespaced.keys()].sort()).toEqual(['production', 'staging']);
      expect(grants.clusterWide).toEqual([]);
      const decisions: Decision[] = [];
      h = await harnessWith(grants, decisions);

      const results = await everyCommand(h);
      for (const [command, result] of Object.entries(results))
        expect({ command, ...result }).toMatchObject({ ok: true });
      expect(decisions.filter((d) => !d.allowed)).toEqual([]);

      // What the commands used, by rule; a verb of the Role no command used is printed, not hidden.
      const used = new Set(decisions.map((d) => permission(d.request)));
      const granted = (grants.namespaced.get('staging') ?? []).flatMap((rule: PolicyRule) =>
        rule.apiGroups.flatMap((group) =>
          rule.resources.flatMap((resource) =>
            rule.verbs.map((verb) => `${verb} ${group === '' ? 'core' : group}/${resource}`),
          ),
        ),
      );
      const unused = granted.filter((p) => !used.has(p));
      if (unused.length > 0)
        console.info(`Granted by the Role but used by none of these commands: ${unused.join(', ')}`);
      for (const p of used) expect(granted).toContain(p);

      // A Secret, another namespace's Deployment, a cluster-wide list: the apiserver's 403.
      const kube = h.sandbox.kubernetes.url;
      for (const path of [
        '/api/v1/namespaces/staging/secrets',
        '/apis/apps/v1/namespaces/kube-system/deployments',
        '/apis/apps/v1/deployments',
      ]) {
        const response = await fetch(`${kube}${path}`, { signal: AbortSignal.timeout(5000) });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      }
    },
  );

  /** The Role's rules in the order deploy/rbac/ lists them (the manifest test checks that order). */
  const RULES = [
    'apps/deployments',
    'apps/deployments/scale',
    'apps/replicasets',
    'core pods and events',
    'events.k8s.io/events',
  ];

  it.each(RULES.map((name, index) => ({ name, index })))(
    'without the rule for $name, some command fails saying which permission is missing',
    async ({ index }) => {
      const grants = renderedGrants();
      const rule = grants.namespaced.get('staging')?.[index];
      expect(rule).toBeDefined();
      const decisions: Decision[] = [];
      h = await harnessWith(without(grants, index), decisions);
      const results = await everyCommand(h);

      const refused = decisions.filter((d) => !d.allowed).map((d) => d.request);
      expect(refused.length).toBeGreaterThan(0);
      const failed = Object.entries(results).filter(([, r]) => !r.ok);
      expect(failed.length).toBeGreaterThan(0);
      // What was refused is the removed rule's, and a failed command names it and where to grant it.
      for (const request of refused) {
        expect(rule?.resources).toContain(request.resource);
        expect(rule?.verbs).toContain(request.verb);
      }
      const said = failed.map(([, r]) => r.text).join('\n');
      expect(said).toContain(HINT);
      expect(said).toContain(`may not ${refused[0]?.verb} ${refused[0]?.resource}`);
      console.info(
        `Without ${JSON.stringify(rule)}: ${failed.map(([command]) => command).join(', ')} failed`,
      );
    },
    120_000,
  );
});
