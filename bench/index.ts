import { randomInt } from 'node:crypto';
import { pino } from 'pino';
import { ManualClock } from '../src/core/clock.ts';
import { startDeckhandStack } from '../test/fakes/deckhand-stack.ts';
import { startFakeSlackApi } from '../test/fakes/fake-slack-api.ts';
import { measureScenario, type Plan } from './ack-latency.ts';
import { startBareBolt } from './bare-bolt.ts';
import { startLoadClient } from './load-client.ts';
import { burstTable, githubTable, routeTable, slackTable } from './deploy-report.ts';
import { deployScenarios, runScenario, type ScenarioResult } from './deploy-scenarios.ts';
import { doraScale } from './dora-scale.ts';
import { SCENARIOS } from './scenarios.ts';
import { formatTable, type Row } from './table.ts';
import { auditPageTable, measureAuditPage } from './audit-page.ts';
import { fuzzCommands, fuzzReport } from './fuzz-commands.ts';

/**
 * `npm run bench`: how long Slack waits for Deckhand's acknowledgement, next to a Bolt app that does
 * nothing but acknowledge, in the same run on the same machine; then what a deploy costs in GitHub
 * requests and Slack API calls, in simulated time. Numbers only; no verdict.
 */
const plan: Plan = {
  signingSecret: 'bench-signing-secret',
  concurrency: 50,
  warmup: 200,
  requests: 2000,
  rounds: 2,
};

const slack = await startFakeSlackApi({
  groups: { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] },
});
// Policy time is pinned to a weekday outside every freeze in deckhand.yml, as in the integration tests.
const deckhand = await startDeckhandStack({
  slack,
  signingSecret: plan.signingSecret,
  clock: new ManualClock('2026-03-03T10:00:00Z'),
  logger: pino({ level: 'silent' }),
});
const bare = await startBareBolt({ signingSecret: plan.signingSecret, apiUrl: slack.url });
const client = startLoadClient();

const started = performance.now();
const rows: Row[] = [];
try {
  for (const scenario of SCENARIOS) {
    rows.push(
      ...(await measureScenario(
        client,
        scenario,
        [
          { name: 'bare Bolt', baseUrl: bare.baseUrl },
          { name: 'Deckhand', baseUrl: deckhand.baseUrl },
        ],
        plan,
      )),
    );
  }
} finally {
  await client.close();
  await bare.close();
  await deckhand.close();
  await slack.close();
}

console.log(
  `Acknowledgement latency of signed slash commands over HTTP on loopback: concurrency ${plan.concurrency}, ` +
    `${plan.requests} measured requests per target and scenario after ${plan.warmup} warm-up, ` +
    `targets alternating over ${plan.rounds} rounds. Deckhand: SQLite file in a temp dir, audit on.`,
);
console.log('');
console.log(formatTable(rows));
console.log('');
for (const scenario of SCENARIOS) {
  const of = (target: string) => rows.find((r) => r.scenario === scenario.label && r.target === target);
  const ratio = (of('Deckhand')?.latency.p99 ?? Number.NaN) / (of('bare Bolt')?.latency.p99 ?? Number.NaN);
  console.log(`${scenario.label.padEnd(34)}  Deckhand p99 / bare p99 = ${ratio.toFixed(2)}`);
}
console.log('');
console.log(`(node ${process.version}, ${((performance.now() - started) / 1000).toFixed(1)} s measuring)`);

const deployStarted = performance.now();
const results: ScenarioResult[] = [];
for (const scenario of deployScenarios()) results.push(await runScenario(scenario));
const burst = results.at(-1);

console.log('');
console.log(
  'Deploys from Slack against the sandbox: signed /ops deploy … to staging, real octokit and client-node, ' +
    'progress cards on a fake Slack behind a per-channel/per-message limiter, one ManualClock stepped a ' +
    'second at a time (time holds still while octokit spaces dispatches a second apart). Each scenario ' +
    'starts fresh; "one after another" is api, web, worker. Per deploy unless marked.',
);
console.log('');
console.log('GitHub requests per deploy (counted: used rate-limit quota; all: including 304s)');
console.log(githubTable(results));
console.log('');
console.log(routeTable(results));
console.log('');
console.log(slackTable(results));
if (burst !== undefined) {
  console.log('');
  console.log(burstTable(burst));
}
console.log('');
console.log(`(${((performance.now() - deployStarted) / 1000).toFixed(1)} s for the deploy scenarios)`);

const auditEntries = 1_000_000;
const auditStarted = performance.now();
const auditFigures = await measureAuditPage(auditEntries);
console.log('');
console.log(
  `The web page's Audit query: a page of 50 from ${auditEntries.toLocaleString('en')} entries (SQLite file)`,
);
console.log(auditPageTable(auditFigures));
console.log(`(${((performance.now() - auditStarted) / 1000).toFixed(1)} s, most of it writing the entries)`);
console.log('');
for (const line of await doraScale()) console.log(line);

// The fuzz bench: 100,000 generated inputs through the grammar and every command (bench/fuzz-commands.ts).
const fuzzSeed = Number(process.env.FAST_CHECK_SEED ?? randomInt(2 ** 31 - 1));
console.log('');
for (const line of fuzzReport(await fuzzCommands(100_000, fuzzSeed), fuzzSeed)) console.log(line);
