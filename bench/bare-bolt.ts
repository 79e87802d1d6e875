import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { listen } from '../src/http/server.ts';

export interface BareBolt {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The floor: Bolt's HTTPReceiver with a handler that only acknowledges. Same token, same fake Slack
 * (one auth.test) and a node:http server, so the difference to Deckhand is Deckhand's own work.
 */
export async function startBareBolt(options: { signingSecret: string; apiUrl: string }): Promise<BareBolt> {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: 'xoxb-test',
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: options.apiUrl },
  });
  app.command('/ops', async ({ ack }) => {
    await ack();
  });
  const server = createServer(receiver.requestListener);
  const baseUrl = await listen(server, 0, '127.0.0.1');
  return {
    baseUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
