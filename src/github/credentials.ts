/** How Deckhand authenticates to GitHub; the config loader builds this, the adapter only reads it. */
export type GitHubCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number | string; privateKey: string; installationId: number };
