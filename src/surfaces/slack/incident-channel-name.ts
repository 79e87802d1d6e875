/**
 * Slack's rules for a channel name: lowercase letters, numbers, hyphens and underscores only, at most
 * 80 characters (no spaces or periods). https://docs.slack.dev/reference/methods/conversations.create
 * (argument `name`) and https://slack.com/help/articles/201402297 (channel naming).
 */
export const CHANNEL_NAME_MAX = 80;
export const CHANNEL_NAME_RULE = /^[a-z0-9_-]{1,80}$/;

/**
 * An incident channel's name: `inc-<number>-<yyyy-mm-dd>-<slug of the title>`, e.g.
 * `inc-7-2026-11-30-checkout-500s`. The slug keeps `[a-z0-9]` (accents dropped, everything else a
 * single hyphen); the name is cut to Slack's 80 characters with room for `suffix` (`-2`, `-3`, … after
 * `name_taken`), never ending in a hyphen. The number first keeps names unique and sortable even when
 * the title is cut.
 *
 * @param attempt 1 for the first name; 2, 3, … add `-2`, `-3`
 */
export function incidentChannelName(
  incident: { number: number; title: string; declaredAt: Date },
  attempt = 1,
): string {
  const head = `inc-${String(incident.number)}-${incident.declaredAt.toISOString().slice(0, 10)}`;
  const suffix = attempt <= 1 ? '' : `-${String(attempt)}`;
  const slug = incident.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = CHANNEL_NAME_MAX - head.length - suffix.length - 1;
  const cut = slug.slice(0, Math.max(0, room)).replace(/-+$/, '');
  return `${head}${cut === '' ? '' : `-${cut}`}${suffix}`;
}
