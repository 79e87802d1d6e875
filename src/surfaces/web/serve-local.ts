import type { Deckhand } from '../../app.ts';
import { createHttpServer, listen } from '../../http/server.ts';

/**
 * The shell's HTTP server (`npm start` without Slack): the core's routes, the web page among them, on
 * loopback only, and one sign-in link for the shell's user. Returns the line to print: the link, or
 * why there is none (the port is taken). The server closes when Deckhand stops.
 */
export async function serveWebLocally(
  deckhand: Pick<Deckhand, 'clock' | 'logger' | 'routes' | 'store' | 'web' | 'lifecycle'>,
  options: { port: number; user: string },
): Promise<string> {
  const server = createHttpServer({
    clock: deckhand.clock,
    logger: deckhand.logger,
    routes: deckhand.routes,
    ready: async () => {
      const store = await deckhand.store.ready();
      return { ok: store.ok, details: { store: store.detail } };
    },
  });
  let base: string;
  try {
    base = await listen(server, options.port, '127.0.0.1');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `Managers' view: not served, port ${String(options.port)} is ${code === 'EADDRINUSE' ? 'in use' : `unavailable (${String(code)})`}; set PORT to another port.`;
  }
  deckhand.lifecycle.onStop('intake', 'web page', async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  const link = await deckhand.web.mintLoginLink(options.user);
  return `Managers' view: ${base}${link} (signs in as ${options.user}; works once, for 10 minutes)`;
}
