import { plainText } from '../../core/markup.ts';
import { incidentName, type Incident, type IncidentRepository } from '../../incidents/incident.ts';
import { html, type SafeHtml } from './html.ts';
import { time } from './layout.ts';
import type { WebRepository } from './web-repository.ts';

const LIST_LIMIT = 200;

/** The Incidents page: every incident, newest first (the latest 200), each linking its timeline. */
export async function incidentsPage(repository: Pick<WebRepository, 'incidents'>): Promise<SafeHtml> {
  const incidents = await repository.incidents(LIST_LIMIT);
  if (incidents.length === 0) return html`<p class="empty">No incidents have been declared.</p>`;
  return html`<table id="incidents">
    <thead>
      <tr>
        <th>Incident</th>
        <th>Title</th>
        <th>Severity</th>
        <th>Status</th>
        <th>Services</th>
        <th>Declared</th>
        <th>By</th>
        <th>Resolved</th>
      </tr>
    </thead>
    <tbody>
      ${incidents.map(
        (i) =>
          html`<tr>
            <td><a href="/ui/incidents/${i.number}">${incidentName(i)}</a></td>
            <td class="text">${i.title}</td>
            <td>${i.severity}</td>
            <td>${i.status}</td>
            <td>${i.services.join(', ')}</td>
            <td>${time(i.declaredAt)}</td>
            <td>${i.declaredBy}</td>
            <td>${time(i.resolvedAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** One incident and its timeline, oldest first; null when there is no such incident. */
export async function incidentPage(
  incidents: Pick<IncidentRepository, 'byNumber' | 'timeline'>,
  number: number,
): Promise<{ incident: Incident; body: SafeHtml } | null> {
  const incident = await incidents.byNumber(number);
  if (incident === null) return null;
  const timeline = await incidents.timeline(incident.id);
  const body = html`<p>
      ${incident.severity} · ${incident.status} · ${incident.services.join(', ')} · declared
      ${time(incident.declaredAt)} by
      ${incident.declaredBy}${
        incident.resolvedAt === null ? '' : html` · resolved ${time(incident.resolvedAt)}`
      }
    </p>
    ${incident.summary === null ? '' : html`<p class="text">${incident.summary}</p>`}
    <h2>Timeline</h2>
    ${
      timeline.length === 0
        ? html`<p class="empty">Nothing on the timeline yet.</p>`
        : html`<table id="timeline">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${timeline.map(
                (e) =>
                  html`<tr>
                    <td>${time(e.at)}</td>
                    <td>${e.kind}</td>
                    <td class="text">${plainText(e.text)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p><a href="/ui/incidents">← All incidents</a></p>`;
  return { incident, body };
}
