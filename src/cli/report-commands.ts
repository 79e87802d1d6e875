import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { auditKeysFromSettings } from '../audit/audit-keys.ts';
import { checkpointFilePath, readCheckpointFile } from '../audit/checkpoint-file.ts';
import { verifyAnchored } from '../audit/verify-anchored.ts';
import type { Settings } from '../config/env.ts';
import { githubCredentialsFrom } from '../config/github-credentials.ts';
import type { ConfigFile } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import { DeckhandError } from '../core/errors.ts';
import { terminalText } from '../core/markup.ts';
import { OctokitGitHubActions } from '../github/index.ts';
import type { GitHubActions } from '../github/port.ts';
import { digestLines } from '../reports/digest-text.ts';
import type { ChainState } from '../reports/weekly-digest.ts';
import { postDigest, weeklyReport, type DigestChat } from '../reports/weekly-report.ts';
import { serviceRepo } from '../reports/service-repo.ts';
import { createStore } from '../store/create-store.ts';
import type { Store } from '../store/types.ts';
import type { Output } from './output.ts';

/** What `report weekly` reads from the environment: the data directory or database, audit keys, Slack, GitHub. */
export type ReportSettings = Settings;

export interface ReportWeeklyFlags {
  /** A Slack channel id to post the report to. */
  post?: string;
  /** A date (YYYY-MM-DD) in the week to report; default the last whole week. */
  week?: string;
}

/** Where the report goes and what it asks, injected for tests: GitHub and Slack default to the settings'. */
export interface ReportIo {
  clock: Clock;
  out: Output;
  github?: GitHubActions | null;
  chat?: DigestChat;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/**
 * `deckhand report weekly [--post <channel>] [--week <date>]`: prints the week's deploys, failures,
 * rollbacks, incidents, the DORA figures against the week before and the audit chain's state; with
 * `--post`, also posts it to that Slack channel with the bot token. Exit 0, or 1 when the audit chain
 * did not verify (the report is still printed and posted), 2 when there is no database here.
 *
 * @throws DeckhandError `invalid_arguments` for a malformed `--week` or `--post`, `config_invalid`
 *   for `--post` without SLACK_BOT_TOKEN
 */
export async function reportWeekly(
  config: ConfigFile,
  settings: ReportSettings,
  flags: ReportWeeklyFlags,
  io: ReportIo,
): Promise<number> {
  const week = flags.week === undefined ? undefined : parseWeek(flags.week);
  const channel = flags.post;
  if (channel !== undefined && !CHANNEL_ID.test(channel)) {
    throw new DeckhandError(
      'invalid_arguments',
      `--post takes a Slack channel id such as C0DEPLOYS, not "${channel}".`,
    );
  }
  const chat = channel === undefined ? undefined : (io.chat ?? (await slackChat(settings)));
  const store = await openReportStore(settings, io.out);
  if (store === null) return 2;
  try {
    const github = io.github === undefined ? realGitHub(settings) : io.github;
    const digest = await weeklyReport(
      {
        records: store.dora,
        clock: io.clock,
        lead: github === null ? null : { github, repoOf: (service) => serviceRepo(config, service) },
        auditState: () => chainState(store, settings),
      },
      week,
    );
    for (const line of digestLines(digest)) io.out.log(terminalText(line));
    if (chat !== undefined && channel !== undefined) {
      await postDigest(chat, channel, digest);
      io.out.err(`Posted to ${channel}.`);
    }
    return digest.audit.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

function parseWeek(typed: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed.trim());
  const at = match === null ? new Date(NaN) : new Date(`${typed.trim()}T00:00:00Z`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== typed.trim()) {
    throw new DeckhandError(
      'invalid_arguments',
      `--week takes a date in the week to report, as 2026-11-02, not "${typed}".`,
    );
  }
  return at;
}

function realGitHub(settings: ReportSettings): GitHubActions | null {
  const credentials = githubCredentialsFrom(settings);
  if (credentials === undefined) return null;
  return new OctokitGitHubActions({
    baseUrl: settings.github.apiUrl ?? 'https://api.github.com',
    credentials,
    logger: pino({ level: 'silent' }),
  });
}

async function slackChat(settings: ReportSettings): Promise<DigestChat> {
  const botToken = settings.slack.botToken;
  if (botToken === undefined) {
    throw new DeckhandError(
      'config_invalid',
      '--post sends the report with the bot token: set SLACK_BOT_TOKEN.',
    );
  }
  const { createSlackClients } = await import('../surfaces/slack/slack-clients.ts');
  const { webClientChat } = await import('../surfaces/slack/card-chat.ts');
  const clients = createSlackClients({ botToken, apiUrl: settings.slack.apiUrl }, pino({ level: 'silent' }));
  return webClientChat(clients.chat);
}

/** The audit chain checked against the checkpoint file, as `audit verify` does. */
async function chainState(store: Store, settings: ReportSettings): Promise<ChainState> {
  const file = checkpointFilePath(settings.dataDir);
  const result = await verifyAnchored(
    store.audit,
    await readCheckpointFile(file),
    auditKeysFromSettings(settings.audit),
    {
      checkpointFile: file,
      database:
        settings.databaseUrl === undefined
          ? join(settings.dataDir, 'deckhand.db')
          : 'the PostgreSQL database (DATABASE_URL)',
    },
  );
  return {
    ok: result.exitCode === 0,
    summary: result.exitCode === 0 ? result.summary : 'Run deckhand audit verify for the details.',
    problems: [...result.problems, ...result.cannotCheck],
  };
}

/** The store, never created here: a report of a directory with no database would be a report of nothing. */
async function openReportStore(settings: ReportSettings, out: Output): Promise<Store | null> {
  if (settings.databaseUrl !== undefined)
    return createStore({ databaseUrl: settings.databaseUrl, sqlitePath: '' });
  const sqlitePath = join(settings.dataDir, 'deckhand.db');
  if (!existsSync(sqlitePath)) {
    out.err(
      `There is no database at ${sqlitePath} (DECKHAND_DATA_DIR is "${settings.dataDir}"). Point DECKHAND_DATA_DIR at the directory Deckhand keeps its data in, or set DATABASE_URL.`,
    );
    return null;
  }
  return createStore({ sqlitePath });
}
