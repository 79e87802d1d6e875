import { html, type SafeHtml } from './html.ts';

/** Who is looking: a signed-in person (with their roles), or automation holding the bearer token. */
export interface Viewer {
  userId: string;
  roles: string[];
  /** Holds `audit:read`: sees the Audit page and its downloads. */
  auditRead: boolean;
  /** The session's CSRF token for POST forms; empty for the bearer token (which posts nothing). */
  csrf: string;
}

export type Section = 'deploys' | 'audit' | 'incidents' | 'dora';

/**
 * A whole page: the navigation (Audit only for `audit:read`), who is signed in, and the body;
 * `scripts` are Deckhand's own script files (paths under /ui/static/), run in order after parsing.
 */
export function page(
  title: string,
  section: Section | null,
  viewer: Viewer | null,
  body: SafeHtml,
  scripts: readonly string[] = [],
): SafeHtml {
  const link = (to: Section, label: string): SafeHtml =>
    html`<a href="/ui/${to}" ${section === to ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Deckhand</title>
        <link rel="stylesheet" href="/ui/static/deckhand.css" />
        ${scripts.map((src) => html`<script src="${src}" defer></script>`)}
      </head>
      <body>
        <header>
          <strong>Deckhand</strong>
          ${
            viewer === null
              ? ''
              : html`<nav>
                    ${link('deploys', 'Deploys')}${viewer.auditRead ? link('audit', 'Audit') : ''}${link('incidents', 'Incidents')}${link('dora', 'DORA')}
                  </nav>
                  <span class="who">Signed in as ${viewer.userId}</span>
                  <form method="post" action="/ui/logout">
                    <input type="hidden" name="csrf" value="${viewer.csrf}" /><button type="submit">
                      Sign out
                    </button>
                  </form>`
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `;
}

/** A `<select>` of choices with "any" first; the current value stays selected. */
export function select(
  name: string,
  label: string,
  choices: readonly string[],
  current: string | undefined,
): SafeHtml {
  return html`<label
    >${label}<select name="${name}">
      <option value="">any</option>
      ${choices.map((c) => html`<option${c === current ? html` selected` : ''}>${c}</option>`)}
    </select></label
  >`;
}

/** A text `<input>` keeping what was typed. */
export function textInput(
  name: string,
  label: string,
  current: string | undefined,
  placeholder: string,
): SafeHtml {
  return html`<label
    >${label}<input name="${name}" value="${current ?? ''}" placeholder="${placeholder}"
  /></label>`;
}

/** A time for people, in UTC to the minute, with the exact instant in `datetime`. */
export function time(at: Date | null): SafeHtml {
  if (at === null) return html``;
  return html`<time datetime="${at.toISOString()}"
    >${at.toISOString().slice(0, 16).replace('T', ' ')} UTC</time
  >`;
}
