import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  channelLink,
  link,
  mention,
  parseUserRef,
  plainText,
  slackEscape,
  slackMrkdwn,
  terminalText,
  typedText,
} from '../../src/core/markup.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';

describe('Slack markup', () => {
  const written = `${mention('U000ADMIN')} asked ${mention('S000SRE')} in ${channelLink('C0DEPLOYS')}: ${link('https://ci.example/runs/7', 'run 7')}`;

  it('renders the markup Deckhand wrote as Slack markup, plain text and terminal text', () => {
    expect(slackMrkdwn(written)).toBe(
      '<@U000ADMIN> asked <!subteam^S000SRE> in <#C0DEPLOYS>: <https://ci.example/runs/7|run 7>',
    );
    expect(plainText(written)).toBe(
      '@U000ADMIN asked @S000SRE in #C0DEPLOYS: run 7 (https://ci.example/runs/7)',
    );
    expect(terminalText(`*Job:* \`build\` by ${mention('W0GRID')}`)).toBe('Job: build by @W0GRID');
  });

  it('keeps markup a person typed as text: escaped for Slack, as typed elsewhere', () => {
    const typed = '<!here> ask <@U000BOB> & <#C0DEPLOYS|deploys> or <https://evil.example|docs>';
    expect(slackMrkdwn(typed)).toBe(
      '&lt;!here&gt; ask &lt;@U000BOB&gt; &amp; &lt;#C0DEPLOYS|deploys&gt; or &lt;https://evil.example|docs&gt;',
    );
    expect(plainText(typed)).toBe(typed);
    expect(terminalText(typed)).toBe(typed);
    // Slack's entities are decoded where a command enters (decodeSlackText): an entity here was typed.
    expect(slackEscape('a < b && c &lt;')).toBe('a &lt; b &amp;&amp; c &amp;lt;');
  });

  it('does not let typed text pass for Deckhand’s markup', () => {
    const forged = `\uE000<@U000BOB>\uE001 and \uE000<!channel>\uE001`;
    expect(typedText(forged)).toBe('<@U000BOB> and <!channel>');
    expect(slackMrkdwn(typedText(forged))).toBe('&lt;@U000BOB&gt; and &lt;!channel&gt;');
    // Only mentions, channels and links are ever markup, whatever the delimiters say.
    expect(slackMrkdwn('\uE000<!channel>\uE001')).toBe('&lt;!channel&gt;');
    expect(slackEscape('\uE000<@U1>\uE001')).toBe('&lt;@U1&gt;');
  });

  it('names only real ids and URLs as markup', () => {
    expect(mention('shell')).toBe('shell');
    expect(channelLink('shell')).toBe('shell');
    expect(slackMrkdwn(link('javascript:alert(1)', 'click'))).toBe('click (javascript:alert(1))');
  });

  it('reads the user a person named, however Slack or a person wrote it', () => {
    expect(parseUserRef('<@U000CAROL|carol>')).toBe('U000CAROL');
    expect(parseUserRef('<@W000GRID>')).toBe('W000GRID');
    expect(parseUserRef('@U000CAROL')).toBe('U000CAROL');
    expect(parseUserRef('U000CAROL')).toBe('U000CAROL');
    expect(parseUserRef('@carol')).toBeNull();
    expect(parseUserRef('<!here>')).toBeNull();
    expect(parseUserRef('<#C0DEPLOYS>')).toBeNull();
  });
});

describe('what people type, where Deckhand shows it', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.deckhand.stop());

  const slackText = (blocks: object[]): string => JSON.stringify(blocks);
  const reason = '<!here> ask <@U000BOB> first';

  it('shows a <!here> or <@U…> typed into a lock reason as typed, and never as a ping', async () => {
    const locked = await h.run(`lock api staging "${reason}"`, { user: 'U000CAROL' });
    expect(locked.decision).toBe('allowed');
    const shown = renderBlocks(locked.reply);
    // The locker is mentioned; the reason is text.
    expect(slackText(shown.blocks)).toContain('<@U000CAROL> locked it until someone unlocks it');
    expect(slackText(shown.blocks)).toContain('“&lt;!here&gt; ask &lt;@U000BOB&gt; first”');
    expect(slackText(shown.blocks)).not.toContain('<!here>');
    expect(slackText(shown.blocks)).not.toContain('<@U000BOB>');
    expect(shown.text).not.toMatch(/<!here>|<@U000BOB>/);

    for (const line of ['locks', 'status api staging', 'lock api staging "again"']) {
      const blocks = slackText(renderBlocks((await h.run(line, { user: 'U000ALICE' })).reply).blocks);
      expect(blocks).toContain('&lt;!here&gt; ask &lt;@U000BOB&gt; first');
      expect(blocks).not.toContain('<@U000BOB>');
    }
  });

  it('shows plain text in the shell: mentions as @ids, typed text as typed', async () => {
    await h.run(`lock api staging "${reason}"`, { user: 'U000CAROL' });
    const text = renderText((await h.run('lock api staging "mine"', { user: 'U000ALICE' })).reply);
    expect(text).toContain(`already locked by @U000CAROL since 2026-11-24 10:00 UTC: “${reason}”`);
    expect(text).not.toMatch(/[\uE000\uE001]/);
  });

  it('writes audit reasons as plain text', async () => {
    await h.run(`lock api staging "${reason}"`, { user: 'U000CAROL' });
    await h.run('lock api staging "mine"', { user: 'U000ALICE' });
    const [entry] = await h.deckhand.store.audit.recent({ limit: 1 });
    expect(entry?.decision).toBe('denied');
    expect(entry?.reason).toBe(
      `api in staging is already locked by @U000CAROL since 2026-11-24 10:00 UTC: “${reason}”.`,
    );
    // The reply links the channel; the audit log names it.
    const refused = await h.run('deploy api v1 to production', { user: 'U000ALICE', channel: 'C0RANDOM' });
    expect(slackText(renderBlocks(refused.reply).blocks)).toContain('only taken in <#C0DEPLOYS>, shell');
    const [denial] = await h.deckhand.store.audit.recent({ limit: 1 });
    expect(denial?.reason).toBe('changes to production are only taken in #C0DEPLOYS, shell');
  });
});
