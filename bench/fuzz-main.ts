import { randomInt } from 'node:crypto';
import { fuzzCommands, fuzzReport } from './fuzz-commands.ts';

/**
 * `npx tsx bench/fuzz-main.ts [count]`: only the fuzz figures of `npm run bench` (100,000 inputs by
 * default; `FAST_CHECK_SEED=<n>` replays a run). Numbers only; no verdict.
 */
const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.env.FAST_CHECK_SEED ?? randomInt(2 ** 31 - 1));
for (const line of fuzzReport(await fuzzCommands(count, seed), seed)) console.log(line);
