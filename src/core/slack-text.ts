/** What each of Slack's three entities stands for. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

/**
 * A slash command's text as the person typed it. Slack escapes `&`, `<` and `>` as `&amp;`, `&lt;` and
 * `&gt;` in the text it sends, and with `should_escape` (manifest.yml) wraps the links it recognised in
 * angle brackets: `<https://example.com>`, or `<http://fix.io|fix.io>` for a word it auto-linked
 * (https://api.slack.com/reference/surfaces/formatting#escaping and
 * https://api.slack.com/interactivity/slash-commands#creating_commands). So `fix/a&b` arrives as
 * `fix/a&amp;b`, and a typed `&lt;` as `&amp;lt;`.
 *
 * Decodes the three entities and turns links back into the words typed, in one pass so an entity is
 * decoded once (`&amp;lt;` becomes `&lt;`, as typed). Mentions, channels and special mentions
 * (`<@U123|ann>`, `<#C123|deploys>`, `<!here>`) are kept: they are how Slack names a person or a channel
 * (parseUserRef in markup.ts reads them), and text shown back goes through markup.ts as text.
 *
 * Hand-written: Slack escapes exactly these three characters, and an HTML-entity library would also
 * decode entities Slack never produces (`&quot;`, `&#36;`), changing what was typed.
 *
 * @param text the `text` field of a slash command, as Slack sent it
 * @returns the text as typed
 */
export function decodeSlackText(text: string): string {
  return text.replace(
    /<((?:https?|mailto):[^<>|]*)(?:\|([^<>]*))?>|&(amp|lt|gt);/g,
    (whole: string, url: string | undefined, label: string | undefined, entity: string | undefined) =>
      entity !== undefined ? (ENTITIES[entity] ?? whole) : decodeEntities(label ?? url ?? whole),
  );
}

/** The three entities decoded in a link's URL or label, which Slack escapes too. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (whole, entity: string) => ENTITIES[entity] ?? whole);
}
