import { Agent, request } from 'node:http';
import { parentPort } from 'node:worker_threads';
import { signedSlashCommand } from '../test/fakes/signed-request.ts';
import type { LoadJob, LoadResult } from './load-protocol.ts';

/**
 * Fires signed slash commands from its own thread, so the client's signing and parsing do not share
 * an event loop with the servers being measured.
 */
const agents = new Map<number, Agent>();

function agentFor(concurrency: number): Agent {
  let agent = agents.get(concurrency);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    agents.set(concurrency, agent);
  }
  return agent;
}

function once(job: LoadJob, agent: Agent): Promise<{ ms: number; ok: boolean; bytes: number }> {
  const { body, headers } = signedSlashCommand(job.command, { signingSecret: job.signingSecret });
  const url = new URL('/slack/events', job.baseUrl);
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ ms: performance.now() - started, ok: res.statusCode === 200, bytes }));
      },
    );
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false, bytes: 0 }));
    req.end(body);
  });
}

async function run(job: LoadJob): Promise<LoadResult> {
  const agent = agentFor(job.concurrency);
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < job.requests) {
      next += 1;
      const r = await once(job, agent);
      latencies.push(r.ms);
      bytes += r.bytes;
      if (!r.ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  return { id: job.id, latencies, wallMs: performance.now() - started, errors, bytes };
}

parentPort?.on('message', (job: LoadJob) => {
  void run(job).then((result) => parentPort?.postMessage(result));
});
