import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * What Slack sends over a Socket Mode connection (https://api.slack.com/apis/socket-mode): `hello`
 * once connected, then envelopes, each to be acknowledged by sending back `{ envelope_id, payload? }`;
 * `disconnect` (reason `refresh_requested`, `warning`, `link_disabled`) asks the client to open a new
 * connection through `apps.connections.open`. An envelope not acknowledged is delivered again, with
 * `retry_attempt` and `retry_reason`.
 */
export interface Envelope {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: object;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** An acknowledgement as the fake received it, and on which connection (numbered from 1 by arrival). */
export interface Ack {
  envelopeId: string;
  connection: number;
  payload: Record<string, unknown> | undefined;
}

export interface FakeSocketMode {
  /** The `ws://` URL to give out from `apps.connections.open` (see FakeSlackApi.setSocketModeUrl). */
  url: string;
  /** Connections open now that were sent `hello`, by number. */
  open(): number[];
  /** Resolves once at least `count` connections are open (clients connect on their own time). */
  whenOpen(count: number): Promise<number[]>;
  /**
   * Sends an envelope to one open connection (in turn, or `to`) and resolves with its acknowledgement.
   * If that connection closes first, the envelope goes to the next one to open, as Slack redelivers.
   */
  deliver(
    type: Envelope['type'],
    payload: object,
    options?: { to?: number; envelopeId?: string },
  ): Promise<Ack>;
  /** Sends an envelope again exactly as it was (a redelivery), to `to` or the next connection in turn. */
  redeliver(envelopeId: string, options?: { to?: number; reason?: string }): Promise<Ack>;
  /**
   * The next acknowledgement of this envelope is lost. `close` (the default): the fake closes its
   * connection on receiving it, and the envelope goes to the next connection. `timeout`: the connection
   * stays, and the fake sends the envelope again on it with `retry_attempt` + 1 and `retry_reason`
   * `timeout`, as Slack does when no acknowledgement reached it in time; the delivery's promise then
   * resolves with the acknowledgement of that retry.
   */
  loseAckOf(envelopeId: string, how?: 'close' | 'timeout'): void;
  /** Acknowledgements that were sent but lost (`loseAckOf`). */
  readonly lostAcks: Ack[];
  /** Tells a connection to go away, as Slack does before recycling it. */
  disconnect(connection: number, reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
  /** Every delivery: which envelope went to which connection. */
  readonly deliveries: { envelopeId: string; connection: number }[];
  readonly acks: Ack[];
  close(): Promise<void>;
}

interface Pending {
  envelope: Envelope;
  /** Connection it was last sent to; null while it waits for one to open. */
  connection: number | null;
  resolve: (ack: Ack) => void;
}

/** A loopback Socket Mode endpoint on a real WebSocket server (`ws`), driven by the test. */
export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const sockets = new Map<number, WebSocket>();
  const pending = new Map<string, Pending>();
  const envelopes = new Map<string, Envelope>();
  const lose = new Map<string, 'close' | 'timeout'>();
  const lostAcks: Ack[] = [];
  const deliveries: { envelopeId: string; connection: number }[] = [];
  const acks: Ack[] = [];
  const openWaiters: { count: number; resolve: (open: number[]) => void }[] = [];
  let next = 0;
  let turn = 0;

  const open = (): number[] => [...sockets.keys()];
  const send = (item: Pending, to: number): void => {
    item.connection = to;
    deliveries.push({ envelopeId: item.envelope.envelope_id, connection: to });
    sockets.get(to)?.send(JSON.stringify(item.envelope));
  };
  const pick = (to?: number): number | null => {
    if (to !== undefined) return sockets.has(to) ? to : null;
    const ids = open();
    if (ids.length === 0) return null;
    turn += 1;
    return ids[turn % ids.length] ?? null;
  };
  const dispatch = (item: Pending, to?: number): void => {
    const target = pick(to);
    if (target === null) item.connection = null;
    else send(item, target);
  };

  server.on('connection', (socket) => {
    next += 1;
    const id = next;
    sockets.set(id, socket);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: sockets.size,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A000DECK' },
      }),
    );
    socket.on('message', (data) => {
      const text = (
        Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(new Uint8Array(data))
      ).toString('utf8');
      const message = JSON.parse(text) as { envelope_id?: string; payload?: Record<string, unknown> };
      const envelopeId = message.envelope_id;
      if (envelopeId === undefined) return;
      const ack: Ack = { envelopeId, connection: id, payload: message.payload };
      const lost = lose.get(envelopeId);
      if (lost !== undefined) {
        lose.delete(envelopeId);
        lostAcks.push(ack);
        const item = pending.get(envelopeId);
        if (lost === 'close' || item === undefined) socket.terminate();
        else {
          item.envelope = {
            ...item.envelope,
            retry_attempt: (item.envelope.retry_attempt ?? 0) + 1,
            retry_reason: 'timeout',
          };
          send(item, id);
        }
        return;
      }
      acks.push(ack);
      const item = pending.get(envelopeId);
      if (item !== undefined && item.connection === id) {
        pending.delete(envelopeId);
        item.resolve(ack);
      }
    });
    socket.on('close', () => {
      sockets.delete(id);
      // Not acknowledged on this connection: delivered again on another, saying why.
      for (const item of pending.values()) {
        if (item.connection !== id) continue;
        item.envelope = {
          ...item.envelope,
          retry_attempt: (item.envelope.retry_attempt ?? 0) + 1,
          retry_reason: 'timeout',
        };
        dispatch(item);
      }
    });
    // Envelopes waiting for a connection go to this one.
    for (const item of pending.values()) if (item.connection === null) send(item, id);
    for (const waiter of [...openWaiters]) {
      if (sockets.size >= waiter.count) {
        openWaiters.splice(openWaiters.indexOf(waiter), 1);
        waiter.resolve(open());
      }
    }
  });

  const track = (envelope: Envelope, to?: number): Promise<Ack> =>
    new Promise((resolve) => {
      const item: Pending = { envelope, connection: null, resolve };
      pending.set(envelope.envelope_id, item);
      dispatch(item, to);
    });

  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${String(port)}/link/?ticket=fake`,
    open,
    whenOpen: (count) =>
      sockets.size >= count
        ? Promise.resolve(open())
        : new Promise((resolve) => openWaiters.push({ count, resolve })),
    deliver: (type, payload, options = {}) => {
      const envelope: Envelope = {
        envelope_id: options.envelopeId ?? randomUUID(),
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
      };
      envelopes.set(envelope.envelope_id, envelope);
      return track(envelope, options.to);
    },
    redeliver: (envelopeId, options = {}) => {
      const first = envelopes.get(envelopeId);
      if (first === undefined) throw new Error(`no envelope ${envelopeId} was delivered`);
      return track({ ...first, retry_attempt: 1, retry_reason: options.reason ?? 'timeout' }, options.to);
    },
    loseAckOf: (envelopeId, how = 'close') => lose.set(envelopeId, how),
    lostAcks,
    disconnect: (connection, reason = 'refresh_requested') => {
      sockets
        .get(connection)
        ?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }));
    },
    deliveries,
    acks,
    close: async () => {
      for (const socket of sockets.values()) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
