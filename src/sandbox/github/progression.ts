import type { Clock } from '../../core/clock.ts';
import type { SimEvent } from './run-model.ts';
import { actor, repository } from './shapes-repo.ts';
import { jobShape, runShape, workflowShape } from './shapes-run.ts';
import type { SimState } from './state.ts';
import type { GitHubSimulatorOptions } from './types.ts';
import type { WebhookSender } from './webhooks.ts';

/**
 * Moves runs forward to the clock's now and tells the world: signed webhooks and the
 * `onRunCompleted` hook. Called lazily before every request and by `tick()`, so a transition is
 * announced exactly once whoever observes it first.
 */
export class Progression {
  private hooks: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: SimState,
    private readonly clock: Clock,
    private readonly webhooks: WebhookSender,
    private readonly base: () => string,
    private readonly onRunCompleted: GitHubSimulatorOptions['onRunCompleted'],
  ) {}

  advance(): void {
    this.state.advance(this.clock.now().getTime(), (event) => this.announce(event));
  }

  announce(event: SimEvent): void {
    const repo = this.state.findRepo(event.run.owner, event.run.repo);
    if (repo === undefined) return;
    const base = this.base();
    if (this.webhooks.enabled()) {
      // Built now, not at delivery, because the run keeps changing after this event.
      const common = { repository: repository(base, repo), sender: actor(base) };
      if (event.type === 'workflow_run') {
        void this.webhooks.send('workflow_run', {
          action: event.action,
          workflow_run: runShape(base, repo, event.run),
          workflow: workflowShape(base, repo, event.run.workflow),
          ...common,
        });
      } else {
        void this.webhooks.send('workflow_job', {
          action: event.action,
          workflow_job: jobShape(base, repo, event.run, event.job),
          ...common,
        });
      }
    }
    if (event.type === 'workflow_run' && event.action === 'completed' && this.onRunCompleted !== undefined) {
      const hook = this.onRunCompleted;
      const run = event.run;
      const snapshot = {
        id: run.id,
        owner: run.owner,
        repo: run.repo,
        workflowId: run.workflow.id,
        workflowPath: run.workflow.path,
        headBranch: run.headBranch,
        conclusion: run.conclusion ?? 'neutral',
        runAttempt: run.runAttempt,
      };
      const inputs = { ...run.inputs };
      this.hooks = this.hooks.then(async () => {
        try {
          await hook(snapshot, inputs);
        } catch {
          // The sandbox's hook failing must not take the GitHub simulator down with it.
        }
      });
    }
  }

  /** Resolves when webhooks and hooks caused so far have finished. */
  async settle(): Promise<void> {
    await Promise.all([this.webhooks.drain(), this.hooks]);
  }
}
