import type { Logger } from 'pino';

/**
 * How long a stop may take before the process ends anyway, in milliseconds: under Kubernetes'
 * default `terminationGracePeriodSeconds` (30 s, as `deploy/app/deployment.yaml` sets it), after
 * which the kubelet sends SIGKILL. The phases are bounded themselves (acknowledgements 3 s,
 * operations about 4 s, sinks 5 s); this catches a hook that hangs (a store that stopped answering).
 */
export const SHUTDOWN_BOUND_MS = 25_000;

/**
 * On SIGTERM (Kubernetes, `docker stop`) or SIGINT: stops Deckhand in order (see `SHUTDOWN_PHASES`)
 * and ends the process with 0, or with 1 when the stop failed or took longer than `boundMs`. A
 * second signal while stopping is ignored: the bound already limits the wait.
 *
 * @param signals which signals to answer; the interactive shell leaves SIGINT to its prompt.
 * @param exit process.exit; tests of the policy pass their own.
 * @returns a function that stops listening (for tests).
 */
export function exitOnSignals(options: {
  stop: () => Promise<void>;
  logger: Logger;
  signals?: readonly NodeJS.Signals[];
  boundMs?: number;
  exit?: (code: number) => void;
}): () => void {
  const { stop, logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const boundMs = options.boundMs ?? SHUTDOWN_BOUND_MS;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const started = Date.now();
    const bound = setTimeout(() => {
      logger.error({ boundMs }, 'shutdown took too long; exiting anyway');
      exit(1);
    }, boundMs);
    stop().then(
      () => {
        clearTimeout(bound);
        logger.info({ ms: Date.now() - started }, 'stopped');
        // pino writes asynchronously to a file; flush so the last lines are not lost at exit.
        logger.flush(() => exit(0));
      },
      (error: unknown) => {
        clearTimeout(bound);
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => exit(1));
      },
    );
  };
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
