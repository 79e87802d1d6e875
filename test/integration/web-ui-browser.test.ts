import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deckhandCli, SCRIPT_REASON, startWebFixture, type WebFixture } from '../support/web-fixture.ts';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it where missing). Never downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../test-results/web-ui/', import.meta.url).pathname;
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(
    `Skipping the browser tests of the web page: there is no ${CHROMIUM} (apt-get install -y chromium).`,
  );
}

describe.skipIf(!available)('the managers’ web page in Chromium', () => {
  let f: WebFixture;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    f = await startWebFixture();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('refuses a visit without a session, signs in with the one-time link, filters deploys', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const refused = await page.goto(`${f.base}/ui/deploys`);
    expect(refused?.status()).toBe(401);
    await expect(page.locator('h1').innerText()).resolves.toBe('Sign in');

    await page.goto(f.base + (await f.deckhand.web.mintLoginLink('U000ADMIN')));
    expect(new URL(page.url()).pathname).toBe('/ui/deploys');
    await expect(page.locator('#deploys tbody tr').count()).resolves.toBe(3);
    await page.screenshot({ path: join(SHOTS, 'deploys.png'), fullPage: true });

    await page.selectOption('select[name=service]', 'api');
    await page.selectOption('select[name=outcome]', 'failed');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/outcome=failed/);
    const rows = page.locator('#deploys tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    const row = await rows.first().innerText();
    expect(row).toContain('v1.4.1');
    expect(row).toContain('INC-1');
    await page.screenshot({ path: join(SHOTS, 'deploys-filtered.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('downloads the filtered audit CSV, equal to `deckhand audit export`, and shows <script> as text', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(f.base + (await f.deckhand.web.mintLoginLink('U000ADMIN')));
    await page.click('nav a[href="/ui/audit"]');
    await page.fill('input[name=actor]', 'U000ADMIN');
    await page.selectOption('select[name=command]', 'lock');
    await page.fill('input[name=since]', '2026-11-24');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/command=lock/);
    const typed = await page.locator('#audit tbody tr').first().locator('td.text').first().innerText();
    expect(typed).toContain(SCRIPT_REASON);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    const cli = await deckhandCli(f.dataDir, [
      'audit',
      'export',
      '--actor',
      'U000ADMIN',
      '--command',
      'lock',
      '--since',
      '2026-11-24',
      '--format',
      'csv',
    ]);
    expect(cli.code).toBe(0);
    expect(csv).toBe(cli.stdout);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);

    await page.click('#chain button[type=submit]');
    await expect(page.locator('#chain').innerText()).resolves.toMatch(/Chain verified up to entry \d+ at/);
    await page.screenshot({ path: join(SHOTS, 'audit-verified.png'), fullPage: true });
    await context.close();
  }, 60_000);

  it('draws the DORA charts under the CSP, and a figure links to exactly the deploys it counts', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The browser's own favicon request answers 404 (Deckhand has none); anything else is a problem.
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(f.base + (await f.deckhand.web.mintLoginLink('U000ADMIN')));
    await page.click('nav a[href="/ui/dora"]');
    const production = page.locator('#dora-production-all');
    const failed = production.locator('.dora-summary a[data-figure=failed]');
    await expect(failed.innerText()).resolves.toBe('1');
    await expect(production.locator('.dora-summary').innerText()).resolves.toContain('50%');
    await page.waitForSelector('#dora-production-all canvas.dora-chart[data-drawn=true]');
    await expect(page.locator('canvas.dora-chart[data-drawn=true]').count()).resolves.toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'dora.png'), fullPage: true });

    await failed.click();
    await page.waitForURL(/dora=failed/);
    await expect(page.locator('#dora-count').innerText()).resolves.toBe('1');
    const rows = page.locator('#deploys tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().innerText()).resolves.toContain('v1.4.1');
    await page.screenshot({ path: join(SHOTS, 'dora-failed-deploys.png'), fullPage: true });

    await page.goBack();
    const deploys = page.locator('#dora-production-all .dora-summary a[data-figure=deploys]').first();
    await expect(deploys.innerText()).resolves.toBe('2 deploys');
    await deploys.click();
    await page.waitForURL(/dora=deploys/);
    await expect(page.locator('#dora-count').innerText()).resolves.toBe('2');
    await expect(page.locator('#deploys tbody tr').count()).resolves.toBe(2);
    await context.close();
  }, 60_000);
});
