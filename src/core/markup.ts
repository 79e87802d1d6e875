/**
 * Slack markup, in one place.
 *
 * Text in a Reply, an operation event or an error message is *markup text*: plain text, plus tokens that
 * Deckhand itself wrote with {@link mention}, {@link channelLink} and {@link link}. A token is Slack's
 * own syntax (`<@U123>`, `<!subteam^S123>`, `<#C123>`, `<https://…|label>`, see
 * https://api.slack.com/reference/surfaces/formatting) between two Unicode private-use characters, so a
 * renderer can tell the markup Deckhand wrote from the same characters a person typed: a `<@U1>` or a
 * `<!here>` typed into a lock reason is text, shown as typed, and never pings anyone.
 *
 * Renderers turn markup text into what their surface needs: {@link slackMrkdwn} for Slack (the only place
 * user text is escaped), {@link terminalText} for the shell, {@link plainText} for the audit log.
 */

/** Opens a token; U+E000 is in Unicode's Private Use Area, so no text means it. */
const OPEN = '\uE000';
/** Closes a token. */
const CLOSE = '\uE001';
const MARKERS = /[\uE000\uE001]/g;
const TOKEN = /\uE000<([^\uE000\uE001]*)>\uE001/g;

/** Slack ids: users `U…`/`W…` (Enterprise Grid), user groups `S…`, channels `C…`/`G…`. */
const USER_ID = /^[UW][A-Z0-9]+$/;
const GROUP_ID = /^S[A-Z0-9]+$/;
const CHANNEL_ID = /^[CG][A-Z0-9]+$/;
/** A URL Slack can put between `<` and `|`: no spaces, angle brackets or bars. */
const URL = /^https?:\/\/[^\s<>|\uE000\uE001]+$/;

/** What a token stands for. */
type Token =
  { type: 'user' | 'group' | 'channel'; id: string } | { type: 'link'; url: string; label: string };

function token(slack: string): string {
  return `${OPEN}<${slack}>${CLOSE}`;
}

/**
 * A mention of a user (`U123`, `W123`) or a user group (`S123`): `<@U123>` or `<!subteam^S123>` in Slack,
 * `@U123` in the shell and the audit log. Anything else is not an id and is returned as plain text.
 */
export function mention(subject: string): string {
  if (GROUP_ID.test(subject)) return token(`!subteam^${subject}`);
  if (USER_ID.test(subject)) return token(`@${subject}`);
  return subject;
}

/**
 * A link to a channel (`C123`, `G123`): `<#C123>` in Slack, `#C123` elsewhere. Channels that are not
 * Slack's (the shell's `shell`) are returned as they are.
 */
export function channelLink(channel: string): string {
  return CHANNEL_ID.test(channel) ? token(`#${channel}`) : channel;
}

/**
 * A link with a label: `<https://…|run 42>` in Slack, `run 42 (https://…)` elsewhere. A URL Slack could
 * not carry (not http(s), or with spaces or angle brackets) leaves the label and the URL as text.
 */
export function link(url: string, label: string): string {
  return URL.test(url) ? token(`${url}|${label.replace(MARKERS, '')}`) : `${label} (${url})`;
}

/**
 * The user a person named in a command: `<@U123|alice>` or `<@U123>` (how Slack sends a mention typed as
 * `@alice` in a slash command), `@U123` or a bare `U123`. Null for anything else: Deckhand never
 * resolves display names, which people can change.
 */
export function parseUserRef(typed: string): string | null {
  const match =
    /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(typed.trim()) ?? /^@?([UW][A-Z0-9]{2,})$/.exec(typed.trim());
  return match?.[1] ?? null;
}

/**
 * Text a person typed, with the characters that delimit Deckhand's tokens removed: typed text is always
 * text, and cannot pass for markup Deckhand wrote.
 */
export function typedText(text: string): string {
  return text.replace(MARKERS, '');
}

/**
 * Markup text as plain text, for the audit log: mentions become `@U123` and `@S123`, channels `#C123`,
 * links `label (url)`. Everything else stays as written, so text a person typed reads as they typed it.
 */
export function plainText(markup: string): string {
  return expand(markup, plainToken, (text) => text.replace(MARKERS, ''));
}

/**
 * Markup text for a terminal: {@link plainText}, without the `*bold*` and `` `code` `` marks of Slack's
 * mrkdwn, which a terminal would show literally.
 */
export function terminalText(markup: string): string {
  return terminalSafe(
    plainText(markup)
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
      .replace(/`([^`\n]+)`/g, '$1'),
  );
}

/**
 * Characters a terminal would act on instead of showing: C0 controls but the line break (so ESC, which
 * starts ANSI CSI and OSC sequences: colours, cursor moves, window titles, OSC 8 links), DEL, C1
 * controls (U+0080–U+009F, where U+009B is a one-byte CSI) and the bidirectional overrides and
 * isolates that reorder what is shown (U+202A–U+202E, U+2066–U+2069).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal, shown and never obeyed: every control character in {@link TERMINAL_CONTROLS}
 * becomes a visible stand-in: C0 controls and DEL their Unicode control pictures (ESC shows as `␛`,
 * so `\x1b[31m` reads `␛[31m`), a tab a space, C1 and bidi controls `<U+009B>`. Line breaks stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x09) return ' ';
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  });
}

/**
 * Markup text as Slack mrkdwn: Deckhand's tokens become Slack's markup, and everything else is escaped
 * with {@link slackEscape}, so nothing a person (or a build log) wrote becomes a mention, a link or a
 * `@here`. Slack's *bold*, _italic_ and `code` marks pass through: Slack has no escape for them.
 */
export function slackMrkdwn(markup: string): string {
  return expand(markup, slackToken, slackEscape);
}

/**
 * Escapes text for Slack: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, the three characters Slack's
 * message formatting reserves (https://api.slack.com/reference/surfaces/formatting#escaping). Every `&`
 * is escaped: a slash command's text is decoded where it enters (decodeSlackText), so a `&lt;` here was
 * typed as such and is shown as such. Token delimiters are dropped: escaped text is never markup.
 */
export function slackEscape(text: string): string {
  return text.replace(MARKERS, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function expand(markup: string, render: (token: Token) => string, text: (segment: string) => string): string {
  let out = '';
  let last = 0;
  for (const match of markup.matchAll(TOKEN)) {
    const parsed = parseToken(match[1] ?? '');
    out += text(markup.slice(last, match.index));
    out += parsed === null ? text(match[0]) : render(parsed);
    last = match.index + match[0].length;
  }
  return out + text(markup.slice(last));
}

function parseToken(inner: string): Token | null {
  if (inner.startsWith('@') && USER_ID.test(inner.slice(1))) return { type: 'user', id: inner.slice(1) };
  if (inner.startsWith('!subteam^') && GROUP_ID.test(inner.slice(9)))
    return { type: 'group', id: inner.slice(9) };
  if (inner.startsWith('#') && CHANNEL_ID.test(inner.slice(1)))
    return { type: 'channel', id: inner.slice(1) };
  const bar = inner.indexOf('|');
  if (bar !== -1 && URL.test(inner.slice(0, bar))) {
    return { type: 'link', url: inner.slice(0, bar), label: inner.slice(bar + 1) };
  }
  return null;
}

function plainToken(t: Token): string {
  switch (t.type) {
    case 'user':
    case 'group':
      return `@${t.id}`;
    case 'channel':
      return `#${t.id}`;
    case 'link':
      return `${t.label} (${t.url})`;
  }
}

function slackToken(t: Token): string {
  switch (t.type) {
    case 'user':
      return `<@${t.id}>`;
    case 'group':
      return `<!subteam^${t.id}>`;
    case 'channel':
      return `<#${t.id}>`;
    case 'link':
      return `<${t.url}|${slackEscape(t.label)}>`;
  }
}
