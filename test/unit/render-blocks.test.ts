import { describe, expect, it } from 'vitest';
import { reply } from '../../src/core/message.ts';
import { escapeMrkdwn, LIMITS, renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';

describe('Block Kit rendering', () => {
  it('keeps mentions and links but shows other angle brackets as text', () => {
    expect(escapeMrkdwn('lock <service> by <@U000ADMIN> & <!subteam^S000SRE> in <#C0DEPLOYS>: <!here>')).toBe(
      'lock &lt;service&gt; by <@U000ADMIN> &amp; <!subteam^S000SRE> in <#C0DEPLOYS>: &lt;!here&gt;',
    );
    expect(escapeMrkdwn('<https://github.com/acme/api/actions/runs/1|run 1>')).toBe(
      '<https://github.com/acme/api/actions/runs/1|run 1>',
    );
  });

  it('stays within Slack’s limits and keeps the buttons of a very long reply', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => [`row ${i}`, 'x'.repeat(200)]);
    const message = renderBlocks(
      reply('info', 'Long', {
        text: 'y'.repeat(10_000),
        table: { columns: ['a', 'b'], rows },
        buttons: [{ actionId: 'op_approve', label: 'Approve', value: '1' }],
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
