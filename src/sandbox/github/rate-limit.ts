const hourMs = 3_600_000;

/**
 * GitHub's primary rate limit for the `core` resource: a quota per rolling window that resets at a
 * fixed instant. Conditional requests answered 304 do not use quota, so the caller decides what counts.
 */
export class RateLimitWindow {
  private resetAt: number;
  private used = 0;

  constructor(
    private readonly limit: number,
    now: number,
  ) {
    this.resetAt = now + hourMs;
  }

  exhausted(now: number): boolean {
    this.roll(now);
    return this.used >= this.limit;
  }

  consume(now: number): void {
    this.roll(now);
    this.used += 1;
  }

  headers(now: number): Record<string, string> {
    this.roll(now);
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(Math.floor(this.resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  private roll(now: number): void {
    if (now < this.resetAt) return;
    this.used = 0;
    this.resetAt = now + hourMs;
  }
}
