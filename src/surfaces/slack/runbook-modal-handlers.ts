import type { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import { asDeckhandError } from '../../core/errors.ts';
import { reply, type ParamsRequest, type Reply } from '../../core/message.ts';
import { planRunbook } from '../../runbooks/dry-run-plan.ts';
import type { RunbookSet } from '../../runbooks/runbook-loader.ts';
import type { RunbookFile } from '../../runbooks/runbook-schema.ts';
import { slackErrorCode } from './card-chat.ts';
import { commandWord } from './command-word.ts';
import { slackMessage, truncate } from './render-blocks.ts';
import {
  paramBlockId,
  readModalContext,
  RUNBOOK_MODAL,
  runbookModal,
  submittedValues,
  type ModalContext,
} from './runbook-modal.ts';

/** What the modal needs: the runbooks and names it is generated from, and the way every command runs. */
export interface RunbookModalOptions {
  runbooks: RunbookSet;
  catalog: Catalog;
  dispatcher: Dispatcher;
  clock: Clock;
  newId: () => string;
  logger: Logger;
}

/** Slack's life of a trigger_id: a modal must be opened within 3 s of the interaction. */
export const TRIGGER_LIFETIME_MS = 3000;

type WebClient = InstanceType<typeof webApi.WebClient>;

/**
 * Opens the parameter modal of a run whose command lacked parameters, with `trigger_id` (Slack's
 * docs: within 3 s of the command). False when it could not be opened (the trigger expired, Slack
 * refused or did not answer, the runbook has too many parameters for a modal): the caller shows the
 * command's own answer, which names each missing parameter and what it takes.
 */
export async function openRunbookModal(
  client: WebClient,
  triggerId: string,
  ask: ParamsRequest,
  channel: string,
  options: Pick<RunbookModalOptions, 'runbooks' | 'catalog' | 'logger'>,
): Promise<boolean> {
  const loaded = options.runbooks.runbooks.find((r) => r.runbook.id === ask.runbook);
  if (loaded === undefined) return false;
  const view = runbookModal(loaded.runbook, options.catalog, ask.given, {
    runbook: ask.runbook,
    channel,
    dryRun: ask.dryRun,
  });
  if (view === undefined) return false;
  try {
    await client.views.open({ trigger_id: triggerId, view: view as webApi.ViewsOpenArguments['view'] });
    return true;
  } catch (error) {
    options.logger.warn(
      { err: error, slackError: slackErrorCode(error), runbook: ask.runbook },
      'could not open the runbook parameter modal; answering with the missing parameters instead',
    );
    return false;
  }
}

/**
 * The modal's submission: its values are checked on the server by the rules the command line
 * uses (planRunbook: the same parsing, the same messages), and wrong ones are answered
 * `response_action: errors`, each under its field, keeping the modal open. Good ones close it and
 * run `runbook run <id> key=value …` as the submitter, through the dispatcher like a typed command
 * (policy, audit, idempotency keyed on the view's id, so a submission Slack delivers twice runs
 * once). The run's card goes to the channel the command was typed in; any other answer (a dry
 * run, a refusal) is shown to the submitter there.
 */
export function registerRunbookModal(app: InstanceType<typeof App>, options: RunbookModalOptions): void {
  app.view(RUNBOOK_MODAL, async ({ ack, body, view, client }) => {
    const context = readModalContext(view.private_metadata);
    const loaded =
      context === null ? undefined : options.runbooks.runbooks.find((r) => r.runbook.id === context.runbook);
    if (context === null || loaded === undefined) {
      await ack();
      options.logger.warn(
        { viewId: view.id },
        'a runbook modal was submitted for a runbook no longer loaded',
      );
      if (context !== null) {
        await tell(client, context.channel, body.user.id, gone(context.runbook), options.logger);
      }
      return;
    }
    const values = submittedValues(loaded.runbook, view.state.values);
    const errors = checkSubmission(loaded.runbook, values, options.catalog);
    if (errors !== null) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    let answer: Reply | undefined;
    try {
      const outcome = await options.dispatcher.dispatch({
        id: options.newId(),
        actor: body.user.id,
        channel: context.channel,
        text: commandLine(context, values),
        surface: 'slack',
        idempotencyKey: `slack:view:${view.id}`,
        receivedAt: options.clock.now(),
      });
      // A run's card is posted in the channel by the card sink; anything else is told privately.
      if (outcome.fresh && outcome.reply.operation === undefined) answer = outcome.reply;
    } catch (error) {
      options.logger.error({ err: error }, 'a runbook modal submission failed');
      answer = reply('error', 'Deckhand could not handle that', { text: asDeckhandError(error).userMessage });
    }
    if (answer !== undefined) await tell(client, context.channel, body.user.id, answer, options.logger);
  });
}

/** Slack shows at most a short message under a field; ours are one sentence. */
const ERROR_TEXT_MAX = 300;

/**
 * The errors to show in the modal, block id → message, or null when the values would run: every
 * parameter problem under its field, a step the values cannot resolve under the first field, and a
 * value that cannot be written on a command line (it holds every kind of quote).
 */
export function checkSubmission(
  runbook: RunbookFile,
  values: Record<string, string>,
  catalog: Catalog,
): Record<string, string> | null {
  const errors: Record<string, string> = {};
  const first = Object.keys(runbook.params)[0];
  const planned = planRunbook(
    runbook,
    Object.entries(values).map(([k, v]) => `${k}=${v}`),
    catalog,
  );
  if (!planned.ok) {
    for (const problem of planned.problems) {
      const block = paramBlockId(problem.param);
      errors[block] ??= truncate(problem.message, ERROR_TEXT_MAX);
    }
  } else if (planned.plan.problems.length > 0 && first !== undefined) {
    const problem = planned.plan.problems[0];
    errors[paramBlockId(first)] = truncate(
      `With these values step ${problem?.step ?? ''} cannot run: ${problem?.message ?? ''}`,
      ERROR_TEXT_MAX,
    );
  }
  for (const [name, value] of Object.entries(values)) {
    if (commandWord(value) === null) {
      errors[paramBlockId(name)] ??= 'Use either double or single quotes in this value, not both.';
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** `runbook run <id> key=value … [--dry-run]`, each value quoted when it has spaces or quotes. */
export function commandLine(context: ModalContext, values: Record<string, string>): string {
  const words = Object.entries(values).map(([k, v]) => `${k}=${commandWord(v) ?? v}`);
  return ['runbook', 'run', context.runbook, ...words, ...(context.dryRun ? ['--dry-run'] : [])].join(' ');
}

function gone(id: string): Reply {
  return reply('warning', 'That runbook is no longer loaded', {
    text: `Deckhand no longer has the runbook ${id} (its file was removed or failed its checks at a restart), so nothing was run. See the ones you may run with: /ops runbook list`,
  });
}

/** Tells the submitter of a modal an answer, privately in `channel`; a refusal by Slack is logged. */
export async function tell(
  client: WebClient,
  channel: string,
  user: string,
  answer: Reply,
  logger: Logger,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, ...slackMessage(answer) });
  } catch (error) {
    logger.warn(
      { err: error, slackError: slackErrorCode(error) },
      'could not tell the submitter of a runbook modal',
    );
  }
}
