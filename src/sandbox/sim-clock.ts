import type { Clock } from '../core/clock.ts';

/**
 * Simulated time for the sandbox: real time multiplied by a speed factor, so a rollout that
 * would take two minutes takes a few seconds in a demo. Tests use ManualClock instead and
 * call the simulators' `tick()` after advancing it, so they never wait.
 */
export class ScaledClock implements Clock {
  private readonly realStart: number;
  private readonly simStart: number;

  constructor(
    private readonly speed: number,
    private readonly real: Clock,
    start?: Date,
  ) {
    this.realStart = real.now().getTime();
    this.simStart = (start ?? real.now()).getTime();
  }

  now(): Date {
    return new Date(this.simStart + (this.real.now().getTime() - this.realStart) * this.speed);
  }
}
