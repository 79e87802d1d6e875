import { createHash } from 'node:crypto';
import type { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import type { EventType } from '../../events/domain-event.ts';
import { EVENT_TYPES } from '../../events/domain-event.ts';
import type { Sink } from '../../events/sink.ts';
import { loadHome, type HomeDeps } from '../../home/home-model.ts';
import { appHomeView } from './app-home-view.ts';
import type { AppHomeViewerRepository } from './app-home-viewers.ts';
import { slackErrorCode } from './card-chat.ts';

/** Viewers kept up to date: those who opened the tab in the last 30 days, at most 200 per change. */
const VIEWER_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const VIEWERS_PER_REFRESH = 200;

export interface AppHomeOptions {
  /** What a home reads (see `loadHome`), without the time, which is read from `clock` each time. */
  home: Omit<HomeDeps, 'now'>;
  viewers: AppHomeViewerRepository;
  /** views.publish, through the surface's Web API client. */
  client: webApi.WebClient;
  clock: Clock;
  logger: Logger;
  /** Where browsers reach Deckhand (DECKHAND_PUBLIC_URL), for the link to the managers' view. */
  webUrl?: string | undefined;
}

/**
 * Slack's App Home tab (https://docs.slack.dev/surfaces/app-home): published with `views.publish` when
 * someone opens it (`app_home_opened`) and again whenever what it shows changes. Each publish sends the
 * hash Slack gave the view last published, so of two replicas updating one tab the later write is
 * refused (`hash_conflict`) instead of overwriting unseen; it is then read afresh and sent once more.
 * A publish that would show the same content is skipped.
 */
export class AppHome {
  constructor(private readonly options: AppHomeOptions) {}

  /** Someone opened the tab; `viewHash` is the hash of the view Slack shows them, absent on a first open. */
  async opened(user: string, viewHash: string | null): Promise<void> {
    await this.options.viewers.opened(user, this.options.clock.now(), viewHash);
    await this.publish(user);
  }

  /** Publishes `user`'s home when it differs from what they were last shown. @returns whether it was sent */
  async publish(user: string): Promise<boolean> {
    const { options } = this;
    const model = await loadHome({ ...options.home, now: options.clock.now() }, user);
    const view = appHomeView(model, options.webUrl);
    const content = createHash('sha256').update(JSON.stringify(view)).digest('hex');
    const viewer = await options.viewers.get(user);
    if (viewer !== null && viewer.contentHash === content) return false;
    let answer: webApi.ViewsPublishResponse;
    try {
      answer = await options.client.views.publish({
        user_id: user,
        view: view as webApi.ViewsPublishArguments['view'],
        ...(viewer?.viewHash == null ? {} : { hash: viewer.viewHash }),
      });
    } catch (error) {
      if (slackErrorCode(error) !== 'hash_conflict') throw error;
      // Another replica published in between: what it showed is older than what is read now.
      const fresh = await loadHome({ ...options.home, now: options.clock.now() }, user);
      answer = await options.client.views.publish({
        user_id: user,
        view: appHomeView(fresh, options.webUrl) as webApi.ViewsPublishArguments['view'],
      });
    }
    const hash = answer.view?.hash;
    if (hash !== undefined) await options.viewers.published(user, hash, content);
    return true;
  }

  /** Republishes every recent viewer's home that changed. A viewer Slack refuses is logged and skipped. */
  async refreshAll(): Promise<void> {
    const since = new Date(this.options.clock.now().getTime() - VIEWER_WINDOW_MS);
    for (const viewer of await this.options.viewers.recent(since, VIEWERS_PER_REFRESH)) {
      try {
        await this.publish(viewer.userId);
      } catch (error) {
        const code = slackErrorCode(error);
        // Slack itself unreachable or limiting: the batch is read again later. Anything else is this viewer's.
        if (code === undefined || code === 'ratelimited') throw error;
        this.options.logger.warn({ err: error, user: viewer.userId }, 'could not update an App Home');
      }
    }
  }
}

/** The events that change what a home shows: operations, incidents, and (for today's counts) decisions. */
const HOME_EVENTS: readonly EventType[] = EVENT_TYPES.filter(
  (type) => type.startsWith('operation.') || type.startsWith('incident.') || type === 'invocation.decided',
);

/** Keeps the viewers' homes up to date: after each batch of events, every changed home is republished. */
export function appHomeSink(home: AppHome): Sink {
  return { name: 'slack-app-home', types: HOME_EVENTS, handle: () => home.refreshAll() };
}

/** `app_home_opened` on the Home tab publishes that person's home (the Messages tab is left alone). */
export function registerAppHome(app: InstanceType<typeof App>, home: AppHome, logger: Logger): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      // The event carries the view Slack shows; its type omits the hash Slack sends with it.
      const shown = event.view as { hash?: unknown } | undefined;
      await home.opened(event.user, typeof shown?.hash === 'string' ? shown.hash : null);
    } catch (error) {
      logger.warn({ err: error, user: event.user }, 'could not publish the App Home');
    }
  });
}
