import { doraScale } from './dora-scale.ts';

/** `npx tsx bench/dora-main.ts`: only the DORA figure of `npm run bench`. Numbers only; no verdict. */
for (const line of await doraScale()) console.log(line);
