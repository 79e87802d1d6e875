import type { RequestListener, Server } from 'node:http';
import type { Deckhand } from '../../app.ts';
import { createHttpServer, listen } from '../../http/server.ts';
import { deadlinesOf } from '../../core/clock.ts';
import { CALL_TIMEOUTS } from '../../config/timing.ts';
import { webClientChat } from './card-chat.ts';
import { CardLinks } from './card-links.ts';
import { incidentChannelSink } from './incident-channel-sink.ts';
import { webClientIncidentChannels } from './incident-channels.ts';
import { webhookResponder, type RespondTo } from './response-url.ts';
import { progressCardSink } from './progress-card-sink.ts';
import type { SlackClients, SlackConnection } from './slack-clients.ts';
import { createSlackApp, refuseUnreadable, type SlackApp } from './slack-app.ts';
import { slackIntake } from './slack-intake.ts';
import { AppHome, appHomeSink, registerAppHome } from './app-home.ts';
import { weeklyReportJob } from '../../reports/weekly-report-job.ts';
import { serviceRepo } from '../../reports/service-repo.ts';

export {
  checkSlackToken,
  createSlackClients,
  type SlackClients,
  type SlackConnection,
} from './slack-clients.ts';
export { SlackDirectory } from './slack-directory.ts';

export interface SlackSurfaceOptions {
  connection: SlackConnection;
  clients: SlackClients;
  /** A reply ready by this deadline goes in the acknowledgement itself (default 2 s; Slack allows 3). */
  ackDeadlineMs?: number;
  /** How to post to a command's response_url; default @slack/webhook with a 10 s timeout. */
  respond?: RespondTo;
  /** Where browsers reach Deckhand (DECKHAND_PUBLIC_URL): the App Home links the managers' view there. */
  webUrl?: string | undefined;
}

export interface SlackSurface {
  mode: 'socket-mode' | 'http';
  slackApp: SlackApp;
  /**
   * Serves HTTP (Slack's endpoint in HTTP mode, the core's routes, `/healthz`) on `port` and connects
   * Socket Mode when configured. Resolves with the server's base URL.
   */
  start(listenOn: { port: number; host?: string }): Promise<{ url: string; server: Server }>;
}

/**
 * Deckhand in Slack, built on the core: Bolt (Socket Mode or HTTP), the progress-card sink, and the
 * HTTP server that shares the port with GitHub webhooks and health. The only place a Bolt app is
 * built; `deckhand start`, the integration tests and the bench all come through here.
 */
export function createSlackSurface(deckhand: Deckhand, options: SlackSurfaceOptions): SlackSurface {
  const { connection, clients } = options;
  const { logger, clock } = deckhand;
  const socketMode = connection.appToken !== undefined;
  const chat = webClientChat(clients.chat);
  const links = new CardLinks({
    messages: deckhand.store.slackMessages,
    chat,
    respond: options.respond ?? webhookResponder(),
    clock,
    logger: logger.child({ component: 'card-links' }),
  });
  const slackApp = createSlackApp({
    links,
    dispatcher: deckhand.dispatcher,
    clock,
    newId: deckhand.newId,
    logger,
    botToken: connection.botToken,
    signingSecret: connection.signingSecret,
    appToken: connection.appToken,
    apiUrl: connection.apiUrl,
    botId: connection.botId,
    botUserId: connection.botUserId,
    ackDeadlineMs: options.ackDeadlineMs,
    calls: deckhand.metrics,
    forms: { runbooks: deckhand.runbooks, catalog: deckhand.catalog },
    incidents: deckhand.store.incidents,
    onAcknowledged: (request, seconds) => deckhand.metrics.acknowledgement.observe({ request }, seconds),
  });
  deckhand.follow(
    progressCardSink({
      events: deckhand.events,
      operations: deckhand.store.operations,
      runbookRuns: deckhand.store.runbookRuns,
      messages: deckhand.store.slackMessages,
      chat,
      links,
      clock,
      logger: logger.child({ component: 'progress-cards' }),
    }),
  );
  deckhand.follow(
    incidentChannelSink({
      incidents: deckhand.store.incidents,
      operations: deckhand.store.operations,
      messages: deckhand.store.slackMessages,
      chat,
      channels: webClientIncidentChannels(clients.chat),
      config: deckhand.catalog.config,
      suspects: {
        catalog: deckhand.catalog,
        operations: deckhand.store.operations,
        events: deckhand.events,
        dora: deckhand.store.dora,
        kubernetes: deckhand.ports.kubernetes,
        deadlines: deadlinesOf(clock),
        deadlineMs: CALL_TIMEOUTS.statusMs,
      },
      clock,
      logger: logger.child({ component: 'incident-channels' }),
    }),
  );
  const home = new AppHome({
    home: {
      catalog: deckhand.catalog,
      policy: deckhand.policy,
      operations: deckhand.store.operations,
      incidents: deckhand.store.incidents,
      audit: deckhand.store.audit,
      lastVerification: () => {
        const last = deckhand.web.chain.last;
        return last === null
          ? null
          : { ok: last.ok, count: last.count, at: last.at, ...(last.ok ? { head: last.head } : {}) };
      },
    },
    viewers: deckhand.store.appHomeViewers,
    client: clients.chat,
    clock,
    logger: logger.child({ component: 'app-home' }),
    webUrl: options.webUrl,
  });
  registerAppHome(slackApp.app, home, logger.child({ component: 'app-home' }));
  deckhand.follow(appHomeSink(home));
  const weekly = deckhand.catalog.config.reports.weekly;
  if (weekly !== undefined) {
    deckhand.scheduleJob(
      weeklyReportJob(
        weekly,
        {
          records: deckhand.store.dora,
          clock,
          lead: {
            github: deckhand.ports.github,
            repoOf: (service) => serviceRepo(deckhand.catalog.config, service),
          },
          auditState: async () => {
            const check = await deckhand.web.chain.verify();
            return check.ok
              ? {
                  ok: true,
                  summary: `${String(check.count)} entries verified, head ${check.head}`,
                  problems: [],
                }
              : {
                  ok: false,
                  summary: `The audit chain breaks at entry ${String(check.brokenSeq)}: ${check.reason}. Run deckhand audit verify for the details.`,
                  problems: [check.reason],
                };
          },
        },
        chat,
      ),
    );
  }
  const mode = socketMode ? 'socket-mode' : 'http';
  return {
    mode,
    slackApp,
    async start({ port, host }) {
      // Set when shutdown begins: Slack's requests still arriving on an open connection are answered
      // 503 and readiness fails, so the load balancer sends them to another replica.
      let stopping = false;
      const server = createHttpServer({
        // Bolt judges a signature's timestamp on the real clock, so the future-timestamp check does too.
        clock: { now: () => new Date() },
        logger,
        ...(slackApp.requestListener === undefined || connection.signingSecret === undefined
          ? {}
          : {
              slack: refuseWhile(
                () => stopping,
                slackIntake({
                  signingSecret: connection.signingSecret,
                  bolt: slackApp.requestListener,
                  logger: logger.child({ component: 'slack-intake' }),
                  refuse: (unreadable) =>
                    refuseUnreadable(
                      { dispatcher: deckhand.dispatcher, clock, newId: deckhand.newId, logger },
                      unreadable,
                    ),
                }),
              ),
            }),
        routes: deckhand.routes,
        ready: async (): Promise<{ ok: boolean; details: Record<string, string> }> => {
          if (stopping) return { ok: false, details: { slack: 'shutting down' } };
          const store = await deckhand.store.ready();
          // Socket Mode: Slack reaches Deckhand only while the WebSocket is up. HTTP: Slack calls in.
          const connected = slackApp.connected();
          const slack =
            connected === null ? mode : connected ? `${mode}: connected` : `${mode}: not connected`;
          return { ok: store.ok && connected !== false, details: { store: store.detail, slack } };
        },
      });
      const url = await listen(server, port, host);
      await slackApp.start();
      let closed: Promise<void> = Promise.resolve();
      deckhand.lifecycle.onStop('intake', 'slack', async () => {
        stopping = true;
        closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await slackApp.stop();
      });
      deckhand.lifecycle.onStop('acknowledgements', 'http', async () => {
        // Requests in flight get their answers; a connection still open after that is cut.
        const cut = setTimeout(() => server.closeAllConnections(), 3000);
        cut.unref();
        await closed;
        clearTimeout(cut);
      });
      return { url, server };
    },
  };
}

/**
 * Answers 503 (with `Retry-After`) instead of passing the request on while `refusing()` says so:
 * during shutdown, for requests that still arrive on a kept-alive connection.
 */
function refuseWhile(refusing: () => boolean, listener: RequestListener): RequestListener {
  return (req, res) => {
    if (!refusing()) {
      listener(req, res);
      return;
    }
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
    res.end(JSON.stringify({ error: 'shutting_down' }));
  };
}
