import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { DeckhandMetrics } from './deckhand-metrics.ts';

/**
 * `GET /metrics`: the Prometheus text exposition of this Deckhand's registry. A collection that
 * fails (a store that does not answer for the sink lag) answers 500 with a line saying so; the next
 * scrape tries again.
 */
export function metricsRoute(metrics: DeckhandMetrics, logger: Logger): RequestListener {
  return (req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json', allow: 'GET' });
      res.end(JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    metrics.expose().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not collect the metrics');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Deckhand could not collect its metrics (see its log); try again.\n');
      },
    );
  };
}
