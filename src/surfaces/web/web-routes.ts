import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import getRawBody from 'raw-body';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import { isDeckhandError } from '../../core/errors.ts';
import type { Policy } from '../../core/policy/policy.ts';
import type { AuditLog } from '../../core/repositories.ts';
import type { IncidentRepository } from '../../incidents/incident.ts';
import { incidentName } from '../../incidents/incident.ts';
import { auditPage } from './audit-page.ts';
import { readAuditForm } from './audit-filter.ts';
import { sendAuditDownload } from './audit-download.ts';
import { ChainState } from './chain-state.ts';
import { deploysPage } from './deploys-page.ts';
import { html, type SafeHtml } from './html.ts';
import { incidentPage, incidentsPage } from './incidents-page.ts';
import { page, type Section } from './layout.ts';
import {
  overHttps,
  redirect,
  SCRIPT_PAGE_HEADERS,
  SECURITY_HEADERS,
  sendHtml,
  sendText,
} from './responses.ts';
import { csrfMatches, WebSessions } from './sessions.ts';
import { signInHelp, slackCallback, viewerOf, type SessionViewer } from './sign-in.ts';
import { authorizeLocation, type SlackSignIn } from './slack-sign-in.ts';
import { StaticAssets } from './static-assets.ts';
import { doraPage } from './dora-page.ts';
import type { DoraRecords } from '../../dora/records.ts';
import type { WebRepository } from './web-repository.ts';

export interface WebSurfaceOptions {
  store: { audit: AuditLog; incidents: IncidentRepository; web: WebRepository; dora: DoraRecords };
  catalog: Catalog;
  policy: Pick<Policy, 'rolesOf' | 'has'>;
  /** The registered commands' names: the Audit page's command filter offers these. */
  commandNames: readonly string[];
  clock: Clock;
  logger: Logger;
  /** DECKHAND_UI_TOKEN: `Authorization: Bearer …` for the CSV/JSON downloads; absent: none accepted. */
  bearerToken?: string | undefined;
  /** Sign in with Slack, in Slack mode when its client id, secret and public URL are set. */
  slackSignIn?: SlackSignIn | undefined;
  randomToken?: () => string;
}

/** The managers' web page under /ui: its request listener, sign-in links, and the chain's state. */
export interface WebSurface {
  /** Serves every path under /ui (register it for `/ui` and `/ui/*`). */
  listener: RequestListener;
  /** A one-time sign-in path (`/ui/login?token=…`) for a user, as `npm start` prints it. */
  mintLoginLink(userId: string): Promise<string>;
  /** The audit chain's last verification, shown on the Audit page. */
  chain: ChainState;
}

/** The DORA page's scripts, in order: Chart.js (defines `Chart`), then the page's own. */
const DORA_SCRIPTS = ['/ui/static/chart.umd.min.js', '/ui/static/dora-charts.js'];

/** Largest form body accepted (the forms post one token). */
const MAX_FORM_BYTES = 4096;

/**
 * Builds the read-only web page. Nothing is shown without a session (or, for the downloads, the bearer
 * token); a session's user must hold some role to see Deploys and Incidents, and `audit:read` for the
 * Audit page and its downloads. The one write, Verify now, is a POST with the session's CSRF token.
 */
export function createWebSurface(options: WebSurfaceOptions): WebSurface {
  const sessions = new WebSessions({
    repository: options.store.web,
    clock: options.clock,
    bearerToken: options.bearerToken,
    ...(options.randomToken === undefined ? {} : { randomToken: options.randomToken }),
  });
  const chain = new ChainState(options.store.audit, options.clock);
  const assets = new StaticAssets();
  const logger = options.logger;
  const listener: RequestListener = (req, res) => {
    handle(options, sessions, chain, assets, req, res).catch((error: unknown) => {
      if (isDeckhandError(error) && error.code === 'invalid_arguments') {
        if (!res.headersSent)
          sendHtml(
            res,
            400,
            page(
              'That did not work',
              null,
              null,
              html`<p class="error">${error.userMessage}</p>
                <p>Change the filter and try again, or start over: <a href="/ui/deploys">Deploys</a>.</p>`,
            ),
          );
        return;
      }
      logger.error({ err: error, path: req.url?.split('?')[0] }, 'the web page failed to answer');
      if (!res.headersSent) {
        sendHtml(
          res,
          500,
          page(
            'Something went wrong',
            null,
            null,
            html`<p>Deckhand could not answer this page; the reason is in its log.</p>`,
          ),
        );
      } else {
        res.destroy();
      }
    });
  };
  return { listener, mintLoginLink: (userId) => sessions.mintLoginLink(userId), chain };
}

async function handle(
  options: WebSurfaceOptions,
  sessions: WebSessions,
  chain: ChainState,
  assets: StaticAssets,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://deckhand.invalid');
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST')
    return sendText(res, 405, 'Only GET and POST are answered here.');
  const asset = method === 'GET' && path.startsWith('/ui/static/') ? await assets.get(path) : null;
  if (asset !== null) {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': asset.contentType,
      'cache-control': 'max-age=300',
    });
    res.end(asset.body);
    return;
  }
  if (method === 'GET' && path === '/ui/login') {
    const token = url.searchParams.get('token') ?? '';
    const session = token === '' ? null : await sessions.redeem(token);
    if (session === null) {
      return sendHtml(
        res,
        401,
        page(
          'This sign-in link does not work',
          null,
          null,
          html`<p>
            A sign-in link works once, for 10 minutes. Ask for a new one: restart <code>npm start</code>,
            which prints one.
          </p>`,
        ),
      );
    }
    // The token leaves the address bar at once (and Referrer-Policy keeps it out of any Referer).
    return redirect(res, '/ui/deploys', { 'set-cookie': sessions.cookie(session, overHttps(req)) });
  }

  const slack = options.slackSignIn;
  if (method === 'GET' && path === '/ui/auth/slack' && slack !== undefined) {
    const { state, nonce } = await sessions.beginSlackSignIn();
    return redirect(res, authorizeLocation(slack, state, nonce), {
      'set-cookie': sessions.stateCookie(state, overHttps(req)),
    });
  }
  if (method === 'GET' && path === '/ui/auth/slack/callback' && slack !== undefined) {
    return slackCallback(options.logger, slack, sessions, url.searchParams, req, res);
  }

  const download = method === 'GET' && (path === '/ui/audit.csv' || path === '/ui/audit.json');
  const viewer = await viewerOf(options.policy, sessions, req, download);
  if (viewer === null) {
    return sendHtml(res, 401, page('Sign in', null, null, signInHelp(slack !== undefined)));
  }
  if (viewer.roles.length === 0 && !viewer.auditRead) {
    return sendHtml(
      res,
      403,
      page(
        'No access',
        null,
        viewer,
        html`<p>
          ${viewer.userId} holds no role in Deckhand's configuration, so there is nothing to show. Ask an
          admin to add you to a role.
        </p>`,
      ),
    );
  }
  if (method === 'POST') return post(options, sessions, chain, viewer, path, req, res);

  const show = (title: string, section: Section | null, body: SafeHtml, status = 200): void =>
    sendHtml(res, status, page(title, section, viewer, body));
  const query = url.searchParams;
  if (path === '/ui' || path === '') return redirect(res, '/ui/deploys');
  if (path === '/ui/deploys') {
    return show(
      'Deploys',
      'deploys',
      await deploysPage(
        {
          repository: options.store.web,
          catalog: options.catalog,
          clock: options.clock,
          dora: { records: options.store.dora, catalog: options.catalog },
        },
        query,
      ),
    );
  }
  if (path === '/ui/incidents') return show('Incidents', 'incidents', await incidentsPage(options.store.web));
  const incidentMatch = /^\/ui\/incidents\/(\d{1,9})$/.exec(path);
  if (incidentMatch?.[1] !== undefined) {
    const found = await incidentPage(options.store.incidents, Number(incidentMatch[1]));
    if (found === null)
      return show('No such incident', 'incidents', html`<p>There is no INC-${incidentMatch[1]}.</p>`, 404);
    return show(`${incidentName(found.incident)}: ${found.incident.title}`, 'incidents', found.body);
  }
  if (path === '/ui/dora') {
    const body = await doraPage(
      { records: options.store.dora, catalog: options.catalog },
      query,
      options.clock.now(),
    );
    return sendHtml(res, 200, page('DORA metrics', 'dora', viewer, body, DORA_SCRIPTS), SCRIPT_PAGE_HEADERS);
  }
  if (path === '/ui/audit' || download) {
    if (!viewer.auditRead) {
      return show(
        'No access',
        'audit',
        html`<p>
          The audit trail needs the <code>audit:read</code> permission, which none of your roles grants.
        </p>`,
        403,
      );
    }
    const deps = {
      audit: options.store.audit,
      catalog: options.catalog,
      commandNames: options.commandNames,
      clock: options.clock,
    };
    if (path === '/ui/audit') return show('Audit', 'audit', await auditPage(deps, viewer, chain.last, query));
    const { filter } = readAuditForm(query, options.catalog, options.commandNames, options.clock.now());
    return sendAuditDownload(
      res,
      options.store.audit,
      filter,
      path.endsWith('.csv') ? 'csv' : 'json',
      options.logger,
    );
  }
  show('Not found', null, html`<p>There is no page here. <a href="/ui/deploys">Deploys</a></p>`, 404);
}

async function post(
  options: WebSurfaceOptions,
  sessions: WebSessions,
  chain: ChainState,
  viewer: SessionViewer,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await getRawBody(req, { limit: MAX_FORM_BYTES, encoding: 'utf8' }));
  if (viewer.session === null || !csrfMatches(viewer.session, form.get('csrf') ?? undefined)) {
    return sendHtml(
      res,
      403,
      page(
        'Refused',
        null,
        viewer,
        html`<p>This form is out of date or did not come from this page. Reload the page and try again.</p>`,
      ),
    );
  }
  if (path === '/ui/logout') {
    await sessions.end(req);
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      location: '/ui/deploys',
      'set-cookie': sessions.clearedCookie(overHttps(req)),
    });
    res.end();
    return;
  }
  if (path === '/ui/audit/verify' && viewer.auditRead) {
    const result = await chain.verify();
    options.logger.info(
      { user: viewer.userId, ok: result.ok, count: result.count },
      'audit chain verified from the web page',
    );
    return redirect(res, '/ui/audit');
  }
  sendText(res, 404, 'Nothing to post here.');
}
