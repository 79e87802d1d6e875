import { createHmac, randomBytes } from 'node:crypto';

/** The fields a person controls in a slash command, plus the ones a test needs to pin down. */
export interface SlashCommand {
  text: string;
  userId: string;
  channelId?: string;
  command?: string;
  /** Slack's idempotency handle; fresh per command unless a test replays one. */
  triggerId?: string;
  responseUrl?: string;
  teamId?: string;
  apiAppId?: string;
}

export interface SigningOptions {
  signingSecret: string;
  /** Seconds since the epoch; defaults to now on the real clock, which is what Bolt checks against. */
  timestamp?: number;
  /** Sign, then flip the last hex digit: a forged or corrupted request. */
  breakSignature?: boolean;
  retryNum?: number;
  retryReason?: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SignedResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, the raw text otherwise ('' for an empty acknowledgement). */
  body: unknown;
  text: string;
  elapsedMs: number;
}

export function newTriggerId(): string {
  return `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
}

/** The form body Slack posts for a slash command, field for field and in Slack's order. */
export function slashCommandBody(cmd: SlashCommand): string {
  return new URLSearchParams({
    token: 'gIkuvaNzQIHg97ATvDxqgjtO', // the deprecated verification token; Bolt ignores it
    team_id: cmd.teamId ?? 'T000DECK',
    team_domain: 'deckhand-test',
    channel_id: cmd.channelId ?? 'C0DEPLOYS',
    channel_name: 'deploys',
    user_id: cmd.userId,
    user_name: cmd.userId.toLowerCase(),
    command: cmd.command ?? '/ops',
    text: cmd.text,
    api_app_id: cmd.apiAppId ?? 'A000DECK',
    is_enterprise_install: 'false',
    response_url: cmd.responseUrl ?? 'https://hooks.slack.com/commands/T000DECK/1/unused',
    trigger_id: cmd.triggerId ?? newTriggerId(),
  }).toString();
}

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Body and headers exactly as Slack would send them; for drivers that bring their own HTTP client. */
export function signedSlashCommand(cmd: SlashCommand, options: SigningOptions): SignedRequest {
  const body = slashCommandBody(cmd);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  let signature = slackSignature(options.signingSecret, timestamp, body);
  if (options.breakSignature === true) {
    signature = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
  }
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
  return { body, headers };
}

/** Posts a signed slash command to `${baseUrl}/slack/events` and reads the acknowledgement. */
export async function sendSlashCommand(
  baseUrl: string,
  cmd: SlashCommand,
  options: SigningOptions,
): Promise<SignedResponse> {
  const { body, headers } = signedSlashCommand(cmd, options);
  const started = performance.now();
  const response = await fetch(new URL('/slack/events', baseUrl), { method: 'POST', headers, body });
  const text = await response.text();
  const elapsedMs = performance.now() - started;
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: isJson && text !== '' ? (JSON.parse(text) as unknown) : text,
    text,
    elapsedMs,
  };
}

/**
 * Posts any body to `${baseUrl}/slack/events`, signed as Slack would sign it: for the malformed and
 * surprising requests a real Slack never sends but a signed sender could.
 */
export async function sendSignedBody(
  baseUrl: string,
  body: string | Buffer,
  options: SigningOptions & { contentType?: string },
): Promise<SignedResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const headers: Record<string, string> = {
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.signingSecret, timestamp, text),
  };
  if (options.contentType !== '') {
    headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded';
  }
  const started = performance.now();
  const response = await fetch(new URL('/slack/events', baseUrl), { method: 'POST', headers, body });
  const answer = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: isJson && answer !== '' ? (JSON.parse(answer) as unknown) : answer,
    text: answer,
    elapsedMs: performance.now() - started,
  };
}

/** A slash command's form fields in Slack's order, as pairs, so a test can drop or repeat any of them. */
export function slashCommandFields(cmd: SlashCommand): [string, string][] {
  return [...new URLSearchParams(slashCommandBody(cmd))];
}
