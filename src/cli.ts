import { Command } from 'commander';
import { configCheck, configJsonSchema } from './cli/config-commands.ts';
import { processOutput } from './cli/output.ts';
import { hasSlackCredentials, readSettings, type Settings } from './config/env.ts';
import { loadConfigFile } from './config/load-config.ts';
import { join } from 'node:path';
import { isDeckhandError } from './core/errors.ts';

/** The `deckhand` executable. Subcommands load their modules on demand, so the shell never loads Bolt. */
const settings = readSettings();
const program = new Command('deckhand')
  .description('Deckhand: deploys, rollbacks, runbooks, locks and incidents from Slack, safely and audited.')
  .option('-c, --config <file>', 'the configuration file', settings.configPath)
  .showHelpAfterError();

function configPath(): string {
  return program.opts<{ config: string }>().config;
}

async function openStore(s: Settings) {
  const { createStore } = await import('./store/create-store.ts');
  return createStore({ databaseUrl: s.databaseUrl, sqlitePath: join(s.dataDir, 'deckhand.db') });
}

program
  .command('start')
  .description('Run Deckhand: in Slack when credentials are set, otherwise a local shell')
  .option('--http', 'serve Slack over HTTP (POST /slack/events) even when SLACK_APP_TOKEN is set')
  .option('--port <port>', 'the HTTP port (default: $PORT or 3000)')
  .action(async (flags: { http?: boolean; port?: string }) => {
    const config = await loadConfigFile(configPath());
    if (hasSlackCredentials(settings)) {
      const { startSlack } = await import('./cli/run-slack.ts');
      await startSlack(config, settings, flags);
      return;
    }
    const { startShell } = await import('./cli/run-shell.ts');
    process.exitCode = await startShell(config, settings, {
      banner:
        'No Slack credentials (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN): starting the local shell against the sandbox.',
    });
  });

program
  .command('shell')
  .description('Type /ops commands in this terminal; reads one command per line when piped')
  .option('--as <user>', 'act as this Slack user id (default: shell.user from the config)')
  .option('--channel <id>', 'pretend to be in this channel (default: shell.channel from the config)')
  .action(async (flags: { as?: string; channel?: string }) => {
    const config = await loadConfigFile(configPath());
    const { startShell } = await import('./cli/run-shell.ts');
    process.exitCode = await startShell(config, settings, flags);
  });

program
  .command('sandbox')
  .description('Run the simulated GitHub Actions and Kubernetes APIs and print how to reach them')
  .option('--host <host>', 'the address to listen on', '127.0.0.1')
  .option('--speed <factor>', 'how much faster simulated time runs (default $DECKHAND_SANDBOX_SPEED or 10)')
  .action(async (flags: { host?: string; speed?: string }) => {
    const config = await loadConfigFile(configPath());
    const { runSandbox } = await import('./cli/run-sandbox.ts');
    await runSandbox(config, settings, flags, processOutput);
  });

const config = program.command('config').description('Check the configuration, or print its JSON Schema');
config
  .command('check [file]')
  .description('Validate a deckhand.yml; problems name the file, line and key')
  .option('--remote', "also read each service's deploy workflow through GitHub's API and check its run-name")
  .action(async (file: string | undefined, flags: { remote?: boolean }) => {
    const path = file ?? configPath();
    process.exitCode = await configCheck(
      path,
      processOutput,
      flags.remote === true
        ? async () => {
            const { connectGitHub } = await import('./cli/world.ts');
            return connectGitHub(await loadConfigFile(path), settings);
          }
        : undefined,
    );
  });
config
  .command('schema')
  .description('Print the JSON Schema of deckhand.yml, for editors')
  .action(() => processOutput.log(configJsonSchema()));

const audit = program.command('audit').description('Check or export the audit trail');
audit
  .command('verify')
  .description('Recompute the hash chain; exit 1 naming the first broken entry')
  .action(async () => {
    const store = await openStore(settings);
    try {
      const { auditVerify } = await import('./cli/audit-commands.ts');
      process.exitCode = await auditVerify(store, processOutput);
    } finally {
      await store.close();
    }
  });
audit
  .command('export')
  .description('Stream audit entries as CSV or JSON')
  .option('--since <when>', 'a duration back from now (7d) or a date')
  .option('--until <when>', 'a duration back from now or a date')
  .option('--format <format>', 'csv or json', 'json')
  .action(async (flags: { since?: string; until?: string; format: string }) => {
    const store = await openStore(settings);
    try {
      const { auditExport } = await import('./cli/audit-commands.ts');
      process.exitCode = await auditExport(store, flags, new Date(), processOutput);
    } finally {
      await store.close();
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isDeckhandError(error)) {
    process.stderr.write(`${error.userMessage}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
