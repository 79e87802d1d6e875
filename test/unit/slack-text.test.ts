/**
 * Slack's escaping is undone before a command is read (issue 9, case 8 and its siblings): the text is
 * what the person typed.
 */
import { describe, expect, it } from 'vitest';
import { decodeSlackText } from '../../src/core/slack-text.ts';

describe('decodeSlackText', () => {
  it.each([
    ['deploy api fix/a&amp;b to staging', 'deploy api fix/a&b to staging'],
    ['lock api staging "a &lt;b&gt; c"', 'lock api staging "a <b> c"'],
    ['lock api staging "&amp;&amp; &gt;&gt;"', 'lock api staging "&& >>"'],
    // A typed entity arrives escaped once more, and is decoded once: it reads as typed.
    ['lock api staging "&amp;lt; means <"'.replace('<', '&lt;'), 'lock api staging "&lt; means <"'],
    ['lock api staging "&amp;amp;"', 'lock api staging "&amp;"'],
    // Links Slack recognised come back as the words typed.
    [
      'lock api staging "see <https://status.example/x?a=1&amp;b=2>"',
      'lock api staging "see https://status.example/x?a=1&b=2"',
    ],
    ['deploy api <http://fix.io|fix.io> to staging', 'deploy api fix.io to staging'],
    [
      'lock api staging "ask <mailto:ops@example.com|ops@example.com>"',
      'lock api staging "ask ops@example.com"',
    ],
    // Entities Slack never produces are text.
    ['lock api staging "&quot;x&quot; &#36;5 &nbsp;"', 'lock api staging "&quot;x&quot; &#36;5 &nbsp;"'],
    ['deploy api v1.2.3', 'deploy api v1.2.3'],
  ])('reads %j as %j', (sent, typed) => {
    expect(decodeSlackText(sent)).toBe(typed);
  });

  it.each([
    'can-i deploy api staging as <@U000CAROL|carol>',
    'lock api staging "ask <#C0DEPLOYS|deploys>"',
    'lock api staging "<!here>"',
    'lock api staging "<!subteam^S000SRE>"',
  ])('keeps how Slack names a person or a channel: %s', (sent) => {
    expect(decodeSlackText(sent)).toBe(sent);
  });
});
