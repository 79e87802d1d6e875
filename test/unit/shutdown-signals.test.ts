import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { exitOnSignals } from '../../src/cli/shutdown-signals.ts';

/** SIGUSR2 stands in for SIGTERM: emitted on `process`, it reaches the listeners and nothing else. */
const SIGNAL = 'SIGUSR2';

describe('exiting on a signal', () => {
  const unsubscribes: (() => void)[] = [];
  afterEach(() => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  });

  function onSignal(stop: () => Promise<void>, boundMs = 5000) {
    let stops = 0;
    const exited = new Promise<number>((resolve) => {
      unsubscribes.push(
        exitOnSignals({
          stop: () => {
            stops++;
            return stop();
          },
          logger: pino({ level: 'silent' }),
          signals: [SIGNAL],
          boundMs,
          exit: resolve,
        }),
      );
    });
    return { exited, stops: () => stops };
  }

  it('stops once, however many signals come, and exits 0', async () => {
    const { exited, stops } = onSignal(() => Promise.resolve());
    process.emit(SIGNAL);
    process.emit(SIGNAL);
    expect(await exited).toBe(0);
    expect(stops()).toBe(1);
  });

  it('exits 1 when the stop fails', async () => {
    const { exited } = onSignal(() => Promise.reject(new Error('store gone')));
    process.emit(SIGNAL);
    expect(await exited).toBe(1);
  });

  it('exits 1 when the stop outlasts its bound', async () => {
    const { exited } = onSignal(() => new Promise<void>(() => undefined), 50);
    process.emit(SIGNAL);
    expect(await exited).toBe(1);
  });
});
