import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Dispatcher, Outcome } from '../../core/dispatcher.ts';
import { asDeckhandError } from '../../core/errors.ts';
import { reply } from '../../core/message.ts';
import { decodeSlackText } from '../../core/slack-text.ts';
import type { Clock } from '../../core/clock.ts';
import { slackMessage } from './render-blocks.ts';
import { boltLogger } from './bolt-logger.ts';
import { refuseUnreadable, tooLong, unreadableOutcome } from './slash-command-refusals.ts';
import { registerCardActions } from './card-actions.ts';
import { boltClientOptions, type SlackTimeouts } from './slack-clients.ts';
import type { ApiCallRecorder } from '../../metrics/api-calls.ts';
import type { CardLinks } from './card-links.ts';
import type { Catalog } from '../../config/catalog.ts';
import type { RunbookSet } from '../../runbooks/runbook-loader.ts';
import { openRunbookModal, registerRunbookModal, TRIGGER_LIFETIME_MS } from './runbook-modal-handlers.ts';
import { openDeclareModal, registerIncidentModal } from './incident-modal-handlers.ts';
import * as incidentMessages from './incident-messages.ts';
import { capText, OPS_COMMAND, readSlashCommand, SLASH_COMMAND_TEXT_LIMIT } from './slash-command.ts';

export interface SlackAppOptions {
  dispatcher: Dispatcher;
  /** Answers a command whose reply is an operation's card with where the live card is. */
  links?: CardLinks;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  botId?: string;
  botUserId?: string;
  /** Slack wants an answer within 3 s; a reply ready by this deadline goes in the acknowledgement itself. */
  ackDeadlineMs?: number;
  /** Deadlines of Bolt's own client and replies; default `CALL_TIMEOUTS`. */
  timeouts?: SlackTimeouts;
  /** Told of Bolt's own Web API calls and the 429s it waits out, for metrics. */
  calls?: ApiCallRecorder;
  /** Told, in seconds on `clock`, how long each slash command or click took from arrival to its acknowledgement. */
  onAcknowledged?: (request: 'command' | 'action', seconds: number) => void;
  /** The runbooks and names a run's parameter modal is made from; without them, no modal. */
  forms?: { runbooks: RunbookSet; catalog: Catalog };
  /** The incidents, for messages picked into a timeline (reaction, shortcuts); without them, none are. */
  incidents?: incidentMessages.IncidentMessageOptions['incidents'];
}

export interface SlackApp {
  app: InstanceType<typeof App>;
  /** HTTP mode: the request listener for POST /slack/events. Undefined in Socket Mode. */
  requestListener?: InstanceType<typeof HTTPReceiver>['requestListener'];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Socket Mode: whether the WebSocket is connected now (its client's public events). HTTP: null. */
  connected(): boolean | null;
}

/** The Slack surface: /ops slash commands through Bolt, in Socket Mode or over HTTP. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = boltLogger(options.logger);
  const clientOptions = boltClientOptions(options.apiUrl, options.timeouts, options.calls);
  let socketConnected: boolean | null = null;
  const identity =
    options.botId !== undefined && options.botUserId !== undefined
      ? { botId: options.botId, botUserId: options.botUserId }
      : {};
  let app: InstanceType<typeof App>;
  let requestListener: SlackApp['requestListener'];
  if (options.appToken !== undefined) {
    // Its own Web API client opens the connection (apps.connections.open): the same deadlines.
    const receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions },
    });
    socketConnected = false;
    receiver.client.on('connected', () => (socketConnected = true));
    // 'close': the socket is gone; the client only says 'reconnecting' after its wait (5 s) is over.
    for (const state of ['close', 'disconnected', 'reconnecting', 'disconnecting']) {
      receiver.client.on(state, () => (socketConnected = false));
    }
    app = new App({ token: options.botToken, receiver, logger, clientOptions, ...identity });
  } else {
    if (options.signingSecret === undefined) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
    const receiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: '/slack/events',
      logger,
    });
    app = new App({ token: options.botToken, receiver, logger, clientOptions, ...identity });
    requestListener = receiver.requestListener;
  }
  const deadline = options.ackDeadlineMs ?? 2000;
  const intake = new InFlight();
  if (options.appToken !== undefined) {
    // Socket Mode, shutting down: an envelope is left unacknowledged, so Slack delivers it again to
    // a connection that stays (another replica); those already taken are answered before the socket
    // closes (see `stop`).
    app.use(async ({ next }) => {
      if (intake.closed) return;
      await intake.track(next());
    });
  }
  const calls = options.calls;
  if (calls !== undefined) {
    app.client.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) =>
      calls.rateLimited('slack', seconds),
    );
  }

  app.command(OPS_COMMAND, async ({ command: fields, ack: boltAck, respond, client }) => {
    const arrived = options.clock.now().getTime();
    const ack: typeof boltAck = async (response) => {
      await boltAck(response);
      options.onAcknowledged?.('command', (options.clock.now().getTime() - arrived) / 1000);
    };
    // Over HTTP the intake has read these already; Socket Mode payloads arrive here unchecked.
    const read = readSlashCommand(fields);
    if (!read.ok) {
      options.logger.warn({ problems: read.problems, actor: read.actor }, 'refused a Slack command');
      await refuseUnreadable(options, read);
      await ack(toResponse(unreadableOutcome(read.problems)));
      return;
    }
    const command = read.command;
    if (command.text.length > SLASH_COMMAND_TEXT_LIMIT) {
      const outcome = tooLong(command.text.length);
      options.logger.warn({ length: command.text.length, actor: command.userId }, 'refused a Slack command');
      await refuseUnreadable(options, {
        problems: [`text is ${String(command.text.length)} characters`],
        actor: command.userId,
        channel: command.channelId,
        text: capText(command.text),
      });
      await ack(toResponse(outcome));
      return;
    }
    const receivedAt = options.clock.now();
    const pending = options.dispatcher.dispatch({
      id: options.newId(),
      actor: command.userId,
      channel: command.channelId,
      text: decodeSlackText(command.text),
      surface: 'slack',
      idempotencyKey: `slack:trigger:${command.triggerId}`,
      receivedAt,
    });
    // An operation's card is posted and kept live by the card sink: the command is answered with
    // where that card is, so the operation has one message (see CardLinks).
    const safe = pending
      .catch((error: unknown) => failedOutcome(error, options.logger))
      .then(async (outcome) => {
        const op = outcome.reply.operation;
        if (!outcome.fresh || op === undefined || options.links === undefined) return outcome;
        return { ...outcome, reply: await options.links.acknowledge(op, command.responseUrl, receivedAt) };
      });
    // A run that lacks parameters asks for them in a modal, while the trigger is alive; when it
    // cannot be opened, the answer (each missing parameter named with its type) is shown instead.
    const forms = options.forms;
    // So does a declaration without a title (the declare modal).
    const asks = (outcome: Outcome): boolean =>
      outcome.fresh &&
      forms !== undefined &&
      (outcome.reply.ask !== undefined || outcome.reply.declareForm !== undefined);
    const askedInModal = async (outcome: Outcome): Promise<boolean> => {
      const { ask, declareForm } = outcome.reply;
      if (!asks(outcome) || forms === undefined) return false;
      if (options.clock.now().getTime() - arrived >= TRIGGER_LIFETIME_MS) return false;
      const modal = { ...forms, logger: options.logger };
      if (declareForm !== undefined) {
        return openDeclareModal(
          client,
          command.triggerId,
          declareForm,
          { channel: command.channelId },
          modal,
        );
      }
      if (ask === undefined) return false;
      return openRunbookModal(client, command.triggerId, ask, command.channelId, modal);
    };
    const early = await raceDeadline(safe, deadline);
    if (early !== null) {
      if (asks(early)) {
        await ack();
        if (!(await askedInModal(early))) await respond({ ...toResponse(early), replace_original: false });
        return;
      }
      await ack(early.fresh ? toResponse(early) : undefined);
      return;
    }
    // Slow work: acknowledge now, answer through response_url when done.
    await ack();
    const outcome = await safe;
    if (await askedInModal(outcome)) return;
    if (outcome.fresh) await respond({ ...toResponse(outcome), replace_original: false });
  });

  registerCardActions(app, options);
  if (options.forms !== undefined) {
    registerRunbookModal(app, { ...options, ...options.forms });
    const messages =
      options.incidents === undefined
        ? undefined
        : { ...options, catalog: options.forms.catalog, incidents: options.incidents };
    registerIncidentModal(app, {
      ...options,
      ...options.forms,
      ...(messages === undefined ? {} : { declared: incidentMessages.quoteDeclaredFrom(messages) }),
    });
    if (messages !== undefined) incidentMessages.registerIncidentMessages(app, messages);
  }

  app.error(async (error) => {
    options.logger.error({ err: error }, 'slack handler failed');
    return Promise.resolve();
  });

  return {
    app,
    requestListener,
    start: async () => {
      if (options.appToken !== undefined) await app.start();
    },
    stop: async () => {
      if (options.appToken === undefined) return;
      await intake.close(SOCKET_DRAIN_MS);
      await app.stop();
    },
    connected: () => socketConnected,
  };
}

/** How long a stopping Socket Mode connection waits for the requests it took, in milliseconds. */
const SOCKET_DRAIN_MS = 3000;

/** Requests being handled, so a stop can refuse new ones and wait (bounded) for those taken. */
class InFlight {
  closed = false;
  private readonly running = new Set<Promise<unknown>>();

  async track(work: Promise<unknown>): Promise<void> {
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  }

  /** Takes no more; resolves when those taken are done, or after `ms`. */
  async close(ms: number): Promise<void> {
    this.closed = true;
    await raceDeadline(Promise.allSettled([...this.running]), ms);
  }
}

/** The dispatcher answers every mistake itself; this is for when it could not even start. */
function failedOutcome(error: unknown, logger: Logger): Outcome {
  logger.error({ err: error }, 'dispatch failed');
  const e = asDeckhandError(error);
  return {
    fresh: true,
    decision: 'failed',
    reply: reply('error', 'Deckhand could not handle that', { text: e.userMessage }),
  };
}

function toResponse(outcome: Outcome): {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks: object[];
} {
  const message = slackMessage(outcome.reply);
  return {
    response_type: outcome.reply.visibility === 'channel' ? 'in_channel' : 'ephemeral',
    ...message,
  };
}

async function raceDeadline<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export { refuseUnreadable } from './slash-command-refusals.ts';
