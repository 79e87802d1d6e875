import { describe, expect, it } from 'vitest';
import { channelLink, link, mention } from '../../src/core/markup.ts';
import { reply } from '../../src/core/message.ts';
import { LIMITS, renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';

const sectionTexts = (blocks: object[]): string[] =>
  (blocks as { text?: { text?: string } }[]).flatMap((b) =>
    b.text?.text === undefined ? [] : [b.text.text],
  );

describe('Block Kit rendering', () => {
  it('keeps the mentions and links Deckhand wrote and shows other angle brackets as text', () => {
    const text = `lock <service> by ${mention('U000ADMIN')} & ${mention('S000SRE')} in ${channelLink('C0DEPLOYS')}: <!here> <@U000EVE>`;
    const message = renderBlocks(reply('info', 'Title', { text }));
    expect(sectionTexts(message.blocks)).toContain(
      'lock &lt;service&gt; by <@U000ADMIN> &amp; <!subteam^S000SRE> in <#C0DEPLOYS>: &lt;!here&gt; &lt;@U000EVE&gt;',
    );
    const run = renderBlocks(
      reply('info', 'Run', { text: link('https://github.com/acme/api/actions/runs/1', 'run <1>') }),
    );
    expect(sectionTexts(run.blocks)).toContain('<https://github.com/acme/api/actions/runs/1|run &lt;1&gt;>');
  });

  it('stays within Slack’s limits and keeps the buttons of a very long reply', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`row ${i}`, 'x'.repeat(200)]);
    const message = renderBlocks(
      reply('info', 'Long', {
        text: 'y'.repeat(10_000),
        table: { columns: ['a', 'b'], rows },
        buttons: [{ actionId: 'op_approve', label: 'Approve', command: 'approve 1' }],
        footer: 'end',
      }),
    );
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('op_approve');
    expect(json).toContain('more part(s) not shown');
    for (const block of message.blocks as { text?: { text: string } }[]) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });
});
