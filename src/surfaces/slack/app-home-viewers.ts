/** A person whose App Home Deckhand keeps up to date, and what it last published there. */
export interface AppHomeViewer {
  userId: string;
  openedAt: Date;
  /** Slack's hash of the view last published (views.publish answers it); null before the first. */
  viewHash: string | null;
  /** SHA-256 of the blocks last published, to skip a republish that changes nothing. */
  contentHash: string | null;
}

/** Who opened the App Home and what they were shown (table `app_home_viewers`, migration 0015). */
export interface AppHomeViewerRepository {
  /** Records an `app_home_opened`: the viewer, when, and the hash of the view Slack shows them (if any). */
  opened(userId: string, at: Date, viewHash: string | null): Promise<void>;
  /** Records a publish: Slack's new view hash and the content's hash. */
  published(userId: string, viewHash: string, contentHash: string): Promise<void>;
  get(userId: string): Promise<AppHomeViewer | null>;
  /** Viewers who opened it at or after `since`, most recent first, at most `limit`. */
  recent(since: Date, limit: number): Promise<AppHomeViewer[]>;
}
