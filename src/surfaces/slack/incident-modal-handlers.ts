import type { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import type { Dispatcher, Outcome } from '../../core/dispatcher.ts';
import { asDeckhandError } from '../../core/errors.ts';
import { reply, type DeclareFormRequest, type Reply } from '../../core/message.ts';
import { slackErrorCode } from './card-chat.ts';
import {
  declareCommandLine,
  declareErrors,
  declareModal,
  declareValues,
  INCIDENT_MODAL,
  readDeclareContext,
  type DeclareContext,
} from './incident-modal.ts';
import { tell } from './runbook-modal-handlers.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** What the declare modal needs: the names it offers, and the way every command runs. */
export interface IncidentModalOptions {
  catalog: Catalog;
  dispatcher: Dispatcher;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  /**
   * Called after a declaration from a message (the message shortcut) was allowed, with the
   * declaring invocation's id and the submitter: the surface quotes the message on the new timeline.
   */
  declared?: (
    declared: { invocationId: string; actor: string; context: DeclareContext },
    client: WebClient,
  ) => Promise<void>;
}

/**
 * Opens the declare modal with `trigger_id` (Slack: within 3 s of the command or shortcut). False
 * when it could not be opened (the trigger expired, Slack refused): the caller shows the command's
 * own answer, which says how to type the declaration.
 */
export async function openDeclareModal(
  client: WebClient,
  triggerId: string,
  given: DeclareFormRequest & { title?: string },
  context: DeclareContext,
  options: Pick<IncidentModalOptions, 'catalog' | 'logger'>,
): Promise<boolean> {
  const view = declareModal(options.catalog, given, context);
  if (view === undefined) return false;
  try {
    await client.views.open({ trigger_id: triggerId, view: view as webApi.ViewsOpenArguments['view'] });
    return true;
  } catch (error) {
    options.logger.warn(
      { err: error, slackError: slackErrorCode(error) },
      'could not open the declare modal; answering with how to type the declaration instead',
    );
    return false;
  }
}

/**
 * The declare modal's submission: checked field by field (`response_action: errors` keeps the modal
 * open with each problem under its field), then run as `incident declare "<title>" <sev> <service…>`
 * by the submitter through the dispatcher, exactly like the typed command (policy `incident:declare`,
 * the same audit entry, idempotency keyed on the view's id, so a submission Slack delivers twice
 * declares once). The answer (the situation card, or why not) is shown to the submitter privately.
 */
export function registerIncidentModal(app: InstanceType<typeof App>, options: IncidentModalOptions): void {
  app.view(INCIDENT_MODAL, async ({ ack, body, view, client }) => {
    const context = readDeclareContext(view.private_metadata);
    if (context === null) {
      await ack();
      options.logger.warn({ viewId: view.id }, 'a declare modal was submitted without its context');
      return;
    }
    const values = declareValues(view.state.values);
    const errors = declareErrors(values, options.catalog);
    if (errors !== null) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const invocationId = options.newId();
    let outcome: Outcome | undefined;
    let answer: Reply | undefined;
    try {
      outcome = await options.dispatcher.dispatch({
        id: invocationId,
        actor: body.user.id,
        channel: context.channel,
        text: declareCommandLine(values),
        surface: 'slack',
        idempotencyKey: `slack:view:${view.id}`,
        receivedAt: options.clock.now(),
      });
      if (outcome.fresh) answer = outcome.reply;
    } catch (error) {
      options.logger.error({ err: error }, 'a declare modal submission failed');
      answer = reply('error', 'Deckhand could not handle that', { text: asDeckhandError(error).userMessage });
    }
    if (answer !== undefined) await tell(client, context.channel, body.user.id, answer, options.logger);
    if (outcome?.fresh === true && outcome.decision === 'allowed' && options.declared !== undefined) {
      try {
        await options.declared({ invocationId, actor: body.user.id, context }, client);
      } catch (error) {
        options.logger.error({ err: error }, 'could not finish a declaration from a message');
      }
    }
  });
}
