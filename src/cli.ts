import { Command } from 'commander';
import { configCheck, configJsonSchema } from './cli/config-commands.ts';
import { processOutput } from './cli/output.ts';
import { hasSlackCredentials, readSettings } from './config/env.ts';
import { loadConfigFile } from './config/load-config.ts';
import { DeckhandError, isDeckhandError } from './core/errors.ts';

// `deckhand audit export | head`: a reader that stops reading is not an error of Deckhand's.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** The `deckhand` executable. Subcommands load their modules on demand, so the shell never loads Bolt. */
const settings = readSettings();
const program = new Command('deckhand')
  .description('Deckhand: deploys, rollbacks, runbooks, locks and incidents from Slack, safely and audited.')
  .option('-c, --config <file>', 'the configuration file', settings.configPath)
  .showHelpAfterError();

function configPath(): string {
  return program.opts<{ config: string }>().config;
}

program
  .command('start')
  .description('Run Deckhand: in Slack when credentials are set, otherwise a local shell')
  .option('--http', 'serve Slack over HTTP (POST /slack/events) even when SLACK_APP_TOKEN is set')
  .option('--port <port>', 'the HTTP port (default: $PORT or 3000)')
  .action(async (flags: { http?: boolean; port?: string }) => {
    const config = await loadConfigFile(configPath());
    if (
      flags.http === true &&
      (settings.slack.botToken === undefined || settings.slack.signingSecret === undefined)
    ) {
      throw new DeckhandError(
        'config_invalid',
        "start --http serves Slack over HTTP, which needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (from your Slack app's settings). Set both, or run without --http for the local shell.",
      );
    }
    if (hasSlackCredentials(settings)) {
      const { startSlack } = await import('./cli/run-slack.ts');
      await startSlack(config, { ...settings, configPath: configPath() }, flags);
      return;
    }
    const { startShell } = await import('./cli/run-shell.ts');
    process.exitCode = await startShell(
      config,
      { ...settings, configPath: configPath() },
      {
        banner:
          'No Slack credentials (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN): starting the local shell against the sandbox.',
        webPort: flags.port === undefined ? settings.port : Number(flags.port),
        seedDemo: true,
      },
    );
  });

program
  .command('shell')
  .description('Type /ops commands in this terminal; reads one command per line when piped')
  .option('--as <user>', 'act as this Slack user id (default: shell.user from the config)')
  .option('--channel <id>', 'pretend to be in this channel (default: shell.channel from the config)')
  .action(async (flags: { as?: string; channel?: string }) => {
    const config = await loadConfigFile(configPath());
    const { startShell } = await import('./cli/run-shell.ts');
    process.exitCode = await startShell(config, { ...settings, configPath: configPath() }, flags);
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

const runbook = program.command('runbook').description('Check runbooks, or print their JSON Schema');
runbook
  .command('lint [files...]')
  .description(
    'Validate runbooks (default: every file in runbooks.dir); problems name the file, line and key',
  )
  .action(async (files: string[]) => {
    const config = await loadConfigFile(configPath());
    const { runbookLint } = await import('./cli/runbook-commands.ts');
    const { runbooksDir } = await import('./runbooks/runbook-loader.ts');
    const dir = runbooksDir(configPath(), config);
    process.exitCode = await runbookLint({ files, dir, config, cwd: process.cwd() }, processOutput);
  });
runbook
  .command('schema')
  .description('Print the JSON Schema of runbook files, for editors')
  .action(async () => {
    const { runbookJsonSchema } = await import('./cli/runbook-commands.ts');
    processOutput.log(runbookJsonSchema());
  });

const audit = program.command('audit').description('Check, anchor or export the audit trail');
audit
  .command('verify')
  .description(
    'Recompute the hash chain and check it against the signed checkpoints; exit 1 when something was changed or lost, 2 when it cannot be checked',
  )
  .option(
    '--checkpoints <file>',
    'read checkpoints from this file (default: <data dir>/audit-checkpoints.jsonl)',
  )
  .action(async (flags: { checkpoints?: string }) => {
    const { auditVerify } = await import('./cli/audit-commands.ts');
    process.exitCode = await auditVerify(settings, flags, processOutput);
  });
audit
  .command('checkpoint')
  .description(
    'Sign the audit chain head now and write it outside the database (and to Slack when configured)',
  )
  .action(async () => {
    const loaded = await loadConfigFile(configPath());
    const { auditCheckpoint } = await import('./cli/audit-commands.ts');
    const { checkpointPublishers } = await import('./cli/checkpoint-publishers.ts');
    const { systemClock } = await import('./core/clock.ts');
    const publishers = await checkpointPublishers(loaded, settings, processOutput);
    process.exitCode = await auditCheckpoint(
      settings,
      { ...loaded.audit.checkpoints, publishers, clock: systemClock },
      processOutput,
    );
  });
audit
  .command('export')
  .description('Stream audit entries as CSV or JSON')
  .option('--since <when>', 'a duration back from now (7d) or a date (2026-01-31, a whole UTC day)')
  .option('--until <when>', 'a duration back from now or a date (through the end of that day)')
  .option('--actor <user>', 'only entries by this Slack user id')
  .option('--command <name>', 'only entries of this command (deploy, lock, …)')
  .option('--service <name>', 'only entries about this service')
  .option('--environment <name>', 'only entries about this environment')
  .option('--decision <decision>', 'only entries with this decision: allowed, denied, invalid or failed')
  .option('--format <format>', 'csv or json', 'json')
  .action(async (flags: import('./cli/audit-commands.ts').ExportFlags) => {
    const { auditExport } = await import('./cli/audit-commands.ts');
    process.exitCode = await auditExport(settings, flags, new Date(), processOutput);
  });

const incident = program.command('incident').description('Export an incident for its postmortem');
incident
  .command('export <number>')
  .description('The postmortem draft of an incident (7 or INC-7): Markdown, or its facts as JSON')
  .option('--format <format>', 'md or json', 'md')
  .action(async (reference: string, flags: { format: string }) => {
    const loaded = await loadConfigFile(configPath());
    const { incidentExport } = await import('./cli/incident-commands.ts');
    process.exitCode = await incidentExport(settings, loaded, reference, flags, new Date(), processOutput);
  });

const report = program.command('report').description("Reports from Deckhand's own records");
report
  .command('weekly')
  .description(
    "The week's deploys, failures, rollbacks, incidents, DORA figures against the week before, and the audit chain's state",
  )
  .option(
    '--week <date>',
    'a date in the week to report (default: the last whole week, Monday to Sunday UTC)',
  )
  .option('--post <channel>', 'also post it to this Slack channel id (needs SLACK_BOT_TOKEN)')
  .action(async (flags: { week?: string; post?: string }) => {
    const loaded = await loadConfigFile(configPath());
    const { reportWeekly } = await import('./cli/report-commands.ts');
    const { systemClock } = await import('./core/clock.ts');
    process.exitCode = await reportWeekly(loaded, settings, flags, {
      clock: systemClock,
      out: processOutput,
    });
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // One clear line, never a stack trace for something the person can fix; then make sure the
  // process ends even if something it opened (a socket, a timer) would keep it alive.
  process.exitCode = 1;
  if (isDeckhandError(error)) {
    process.stderr.write(`${error.userMessage}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Deckhand stopped: ${message.split('\n', 1)[0] ?? message}\n`);
    if (settings.logLevel === 'debug' || settings.logLevel === 'trace') console.error(error);
    else process.stderr.write('Run again with LOG_LEVEL=debug to see where.\n');
  }
  setTimeout(() => process.exit(), 3000).unref();
}
