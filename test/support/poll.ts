/**
 * Resolves with the first value `read` returns that `done` accepts, reading every `everyMs` of real
 * time; rejects after `timeoutMs` naming `what`. For what another party does on its own time (a real
 * client reconnecting, a click handled after its acknowledgement), never as a pause.
 */
export async function pollUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { everyMs = 25, timeoutMs = 20_000 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
