import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BEARER,
  deckhandCli,
  SCRIPT_REASON,
  startWebFixture,
  type WebFixture,
} from '../support/web-fixture.ts';

let f: WebFixture;
beforeAll(async () => {
  f = await startWebFixture(60);
});
afterAll(async () => {
  await f.close();
});

/** Signs in with a fresh one-time link as `user`; returns the session cookie. */
async function signIn(user: string): Promise<string> {
  const link = await f.deckhand.web.mintLoginLink(user);
  const res = await fetch(f.base + link, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

async function get(path: string, cookie?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(f.base + path, {
    redirect: 'manual',
    headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) },
  });
}

describe('the managers’ web page', () => {
  it('refuses every page and download without a session, with the security headers', async () => {
    for (const path of [
      '/ui/deploys',
      '/ui/audit',
      '/ui/audit.csv',
      '/ui/audit.json',
      '/ui/incidents',
      '/ui/incidents/1',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).not.toContain('U000DEV');
    }
    const forged = await get('/ui/deploys', undefined, { cookie: 'deckhand_session=made-up' });
    expect(forged.status).toBe(401);
  });

  it('signs in once with a one-time link: an HttpOnly, SameSite=Lax cookie; the link then no longer works', async () => {
    const link = await f.deckhand.web.mintLoginLink('U000ADMIN');
    const first = await fetch(f.base + link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/ui/deploys');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^deckhand_session=[\w-]{20,}; Path=\/ui; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    const again = await fetch(f.base + link, { redirect: 'manual' });
    expect(again.status).toBe(401);
    const behindHttps = await fetch(f.base + (await f.deckhand.web.mintLoginLink('U000ADMIN')), {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(behindHttps.headers.get('set-cookie')).toMatch(/; Secure$/);
    const expired = await f.deckhand.web.mintLoginLink('U000ADMIN');
    f.clock.advance(11 * 60_000);
    expect((await fetch(f.base + expired, { redirect: 'manual' })).status).toBe(401);
  });

  it('lists deploys with their version, people, duration, run link, outcome and incident, filtered', async () => {
    const cookie = await signIn('U000ADMIN');
    const all = await (await get('/ui/deploys', cookie)).text();
    expect(all).toContain('v1.4.0');
    expect(all).toContain('v2.0.0');
    const failed = await (await get('/ui/deploys?service=api&outcome=failed', cookie)).text();
    expect(failed).toContain('v1.4.1');
    expect(failed).not.toContain('v1.4.0');
    expect(failed).not.toContain('v2.0.0');
    expect(failed).toContain('href="/ui/incidents/1"');
    // A run URL that is not http(s) is never a link; the outcome's markup is text.
    expect(failed).not.toContain('javascript:alert');
    expect(failed).toContain('&lt;b&gt;pods crash&lt;/b&gt;');
    expect(failed).toContain('15m');
    const ok = await (await get('/ui/deploys?person=U000DEV&outcome=succeeded', cookie)).text();
    expect(ok).toContain('href="https://github.com/acme/api/actions/runs/11"');
    expect(ok).not.toContain('v2.0.0');
    const bad = await get('/ui/deploys?service=nope', cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('There is no service &quot;nope&quot;');
  });

  it('shows a typed <script> as text on the Audit page, and incidents with their timelines', async () => {
    const cookie = await signIn('U000ADMIN');
    const audit = await (await get('/ui/audit?command=lock', cookie)).text();
    expect(audit).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(audit).not.toContain(SCRIPT_REASON);
    expect(audit).not.toMatch(/<script/i);
    const incidents = await (await get('/ui/incidents', cookie)).text();
    expect(incidents).toContain('Checkout &lt;i&gt;down&lt;/i&gt;');
    const one = await (await get('/ui/incidents/1', cookie)).text();
    expect(one).toContain('Deploy api v1.4.1 failed: rollout failed');
    expect((await get('/ui/incidents/99', cookie)).status).toBe(404);
  });

  it('pages the audit trail 50 at a time, newest first', async () => {
    const cookie = await signIn('U000ADMIN');
    const first = await (await get('/ui/audit?actor=U000ADMIN&command=whoami', cookie)).text();
    expect(first.match(/<tr>\s*<td>\d+<\/td>/g)).toHaveLength(50);
    const older = /href="(\/ui\/audit\?[^"]*before=\d+)"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toBeDefined();
    const second = await (await get(older ?? '', cookie)).text();
    expect(second.match(/<tr>\s*<td>\d+<\/td>/g)).toHaveLength(10);
  });

  it('downloads exactly what `deckhand audit export` writes for the same filter, as CSV and JSON', async () => {
    const cookie = await signIn('U000ADMIN');
    const filter = 'actor=U000DEV&since=2026-11-24&until=2026-11-24';
    for (const format of ['csv', 'json'] as const) {
      const res = await get(`/ui/audit.${format}?${filter}`, cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="deckhand-audit.${format}"`);
      const body = await res.text();
      const cli = await deckhandCli(f.dataDir, [
        'audit',
        'export',
        '--actor',
        'U000DEV',
        '--since',
        '2026-11-24',
        '--until',
        '2026-11-24',
        '--format',
        format,
      ]);
      expect(cli.code).toBe(0);
      const count = Number(/(\d+) entries exported/.exec(cli.stderr)?.[1]);
      expect(count).toBeGreaterThanOrEqual(2);
      expect(body).toBe(cli.stdout);
      if (format === 'json') {
        const rows = JSON.parse(body) as { actor: string }[];
        expect(rows).toHaveLength(count);
        expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['U000DEV']));
      }
    }
  }, 60_000);

  it('lets automation download with the bearer token, and nothing else with it', async () => {
    const ok = await get('/ui/audit.csv?decision=denied', undefined, { authorization: `Bearer ${BEARER}` });
    expect(ok.status).toBe(200);
    const csv = await ok.text();
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(csv).toContain('U000DEV');
    expect((await get('/ui/audit.csv', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get('/ui/audit', undefined, { authorization: `Bearer ${BEARER}` })).status).toBe(401);
  });

  it('keeps the audit trail to audit:read and everything to people with a role', async () => {
    const developer = await signIn('U000DEV');
    expect((await get('/ui/deploys', developer)).status).toBe(200);
    expect((await get('/ui/audit', developer)).status).toBe(403);
    expect((await get('/ui/audit.csv', developer)).status).toBe(403);
    expect(await (await get('/ui/deploys', developer)).text()).not.toContain('href="/ui/audit"');
    const stranger = await signIn('U999NOBODY');
    expect((await get('/ui/deploys', stranger)).status).toBe(403);
  });

  it('verifies the chain on Verify now, only with the session’s CSRF token, and shows it in the banner', async () => {
    const cookie = await signIn('U000ADMIN');
    const before = await (await get('/ui/audit', cookie)).text();
    expect(before).toContain('has not been verified since Deckhand started');
    const csrf = /name="csrf" value="([^"]+)"/.exec(before)?.[1] ?? '';
    const post = (body: string): Promise<Response> =>
      fetch(`${f.base}/ui/audit/verify`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect((await post('csrf=forged')).status).toBe(403);
    expect((await post('')).status).toBe(403);
    const ok = await post(`csrf=${encodeURIComponent(csrf)}`);
    expect(ok.status).toBe(303);
    const verification = await f.deckhand.store.audit.verify();
    if (!verification.ok) throw new Error('the chain should be whole');
    const after = await (await get('/ui/audit', cookie)).text();
    expect(after).toContain(`Chain verified up to entry ${verification.count} at`);
    expect(after).toContain(verification.head);
  });

  it('serves the DORA page with script from Deckhand only, and Chart.js from its own node_modules', async () => {
    const cookie = await signIn('U000ADMIN');
    const dora = await get('/ui/dora?service=api&environment=production', cookie);
    expect(dora.status).toBe(200);
    const csp = dora.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const body = await dora.text();
    expect(body).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(body).toContain('<script src="/ui/static/chart.umd.min.js" defer></script>');
    // The Deploys page keeps running no script at all.
    expect((await get('/ui/deploys', cookie)).headers.get('content-security-policy')).toContain(
      "script-src 'none'",
    );
    const chart = await get('/ui/static/chart.umd.min.js', cookie);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await chart.text()).toContain('Chart.js v4');
  });

  it('lists the deploys a week’s figure counts, as many as the figure says; a made-up selection is refused', async () => {
    const cookie = await signIn('U000ADMIN');
    const page = await (await get('/ui/dora?service=api&environment=production', cookie)).text();
    const week = /<td>(\d{4}-\d{2}-\d{2})<\/td>\s*<td><a href="([^"]+)" data-figure="deploys">(\d+)<\/a>/g;
    const busy = [...page.matchAll(week)].find((m) => m[3] !== '0');
    expect(busy?.[3]).toBe('2');
    const listed = await (await get((busy?.[2] ?? '').replaceAll('&amp;', '&'), cookie)).text();
    expect(listed).toContain('<strong id="dora-count">2</strong>');
    expect(listed.match(/<tr>\s*<td><time/g)).toHaveLength(2);
    expect((await get('/ui/deploys?dora=everything', cookie)).status).toBe(400);
    expect((await get('/ui/dora?from=2026-13-01', cookie)).status).toBe(400);
  });

  it('signs out: the session no longer opens anything', async () => {
    const cookie = await signIn('U000ADMIN');
    const csrf =
      /name="csrf" value="([^"]+)"/.exec(await (await get('/ui/deploys', cookie)).text())?.[1] ?? '';
    const out = await fetch(`${f.base}/ui/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf)}`,
    });
    expect(out.status).toBe(303);
    expect((await get('/ui/deploys', cookie)).status).toBe(401);
  });
});
