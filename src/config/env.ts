/**
 * The one place Deckhand reads its environment. Everything else receives these settings.
 * Secrets stay in this object and in the adapters; the logger redacts them by path.
 */
export interface Settings {
  configPath: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: string;
  port: number;
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    botId: string | undefined;
    botUserId: string | undefined;
    /** The app's OAuth client id and secret, for Sign in with Slack on the web page. */
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
  github: {
    token: string | undefined;
    apiUrl: string | undefined;
    appId: string | undefined;
    privateKey: string | undefined;
    installationId: string | undefined;
    webhookSecret: string | undefined;
  };
  /**
   * Keys for signing audit checkpoints (src/audit/audit-keys.ts): an HMAC secret, or an Ed25519 key
   * pair in PEM (the public key alone is enough to verify). Redacted from logs (src/logger.ts).
   */
  audit: {
    hmacKey: string | undefined;
    privateKey: string | undefined;
    publicKey: string | undefined;
  };
  /**
   * The web page (src/surfaces/web/): `token` is the bearer token automation sends for the audit
   * CSV/JSON downloads (`Authorization: Bearer …`, DECKHAND_UI_TOKEN). Redacted from logs.
   */
  ui: {
    token: string | undefined;
    /** Where browsers reach Deckhand (DECKHAND_PUBLIC_URL, e.g. https://deckhand.example.com): Sign in with Slack's callback. */
    publicUrl: string | undefined;
  };
  kubeconfig: string | undefined;
  /** Set by Kubernetes inside a pod: use the in-cluster service account. */
  inCluster: boolean;
  /** Simulated time runs this many times faster in the sandbox (default 10). */
  sandboxSpeed: number;
  /** How often an operation polls a workflow run when no webhook arrives. */
  pollMs: number | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const port = Number.parseInt(env.PORT ?? '3000', 10);
  return {
    configPath: env.DECKHAND_CONFIG ?? 'deckhand.yml',
    dataDir: env.DECKHAND_DATA_DIR ?? 'data',
    databaseUrl: nonEmpty(env.DATABASE_URL),
    logLevel: env.LOG_LEVEL ?? 'info',
    port: Number.isFinite(port) ? port : 3000,
    slack: {
      botToken: nonEmpty(env.SLACK_BOT_TOKEN),
      signingSecret: nonEmpty(env.SLACK_SIGNING_SECRET),
      appToken: nonEmpty(env.SLACK_APP_TOKEN),
      apiUrl: nonEmpty(env.SLACK_API_URL),
      botId: nonEmpty(env.SLACK_BOT_ID),
      botUserId: nonEmpty(env.SLACK_BOT_USER_ID),
      clientId: nonEmpty(env.SLACK_CLIENT_ID),
      clientSecret: nonEmpty(env.SLACK_CLIENT_SECRET),
    },
    github: {
      token: nonEmpty(env.GITHUB_TOKEN),
      apiUrl: nonEmpty(env.GITHUB_API_URL),
      appId: nonEmpty(env.GITHUB_APP_ID),
      privateKey: pemFromEnv(nonEmpty(env.GITHUB_APP_PRIVATE_KEY)),
      installationId: nonEmpty(env.GITHUB_APP_INSTALLATION_ID),
      webhookSecret: nonEmpty(env.GITHUB_WEBHOOK_SECRET),
    },
    audit: {
      hmacKey: nonEmpty(env.DECKHAND_AUDIT_KEY),
      privateKey: nonEmpty(env.DECKHAND_AUDIT_PRIVATE_KEY),
      publicKey: nonEmpty(env.DECKHAND_AUDIT_PUBLIC_KEY),
    },
    ui: {
      token: nonEmpty(env.DECKHAND_UI_TOKEN),
      publicUrl: nonEmpty(env.DECKHAND_PUBLIC_URL)?.replace(/\/+$/, ''),
    },
    kubeconfig: nonEmpty(env.KUBECONFIG),
    inCluster: nonEmpty(env.KUBERNETES_SERVICE_HOST) !== undefined,
    sandboxSpeed: Number(env.DECKHAND_SANDBOX_SPEED ?? '10') || 10,
    pollMs: env.DECKHAND_POLL_MS === undefined ? undefined : Number(env.DECKHAND_POLL_MS) || undefined,
  };
}

/** Slack is "configured" when a bot token and either a signing secret (HTTP) or an app token (Socket Mode) are set. */
export function hasSlackCredentials(settings: Settings): boolean {
  return (
    settings.slack.botToken !== undefined &&
    (settings.slack.signingSecret !== undefined || settings.slack.appToken !== undefined)
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * A PEM key as environment variables often carry it: on one line, its line breaks written `\n`
 * (`.env` files, CI secrets, `docker run -e`). Those become real line breaks; a key with real ones is
 * unchanged.
 */
function pemFromEnv(value: string | undefined): string | undefined {
  return value?.replace(/(?:\\r)?\\n/g, '\n').trim();
}

export function hasKubernetesCredentials(settings: Settings): boolean {
  return settings.kubeconfig !== undefined || settings.inCluster;
}
