import { apiError, type SimResponse } from './http-kit.ts';
import type { Faults, SecondaryRateLimitFault } from './types.ts';

const secondaryDocs =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

/** Failures armed at runtime; each answers a number of API requests and then disarms. */
export class FaultBox {
  private fiveXx = 0;
  private secondary: SecondaryRateLimitFault | undefined;

  inject(faults: Faults): void {
    if (faults.next5xx !== undefined) this.fiveXx = faults.next5xx;
    if (faults.secondaryRateLimit !== undefined) this.secondary = { ...faults.secondaryRateLimit };
  }

  /** The failure to answer this request with, if one is armed. */
  take(): SimResponse | undefined {
    if (this.secondary !== undefined && this.secondary.count > 0) {
      this.secondary.count -= 1;
      const { status, retryAfterSeconds } = this.secondary;
      // octokit's throttling plugin recognises this by the words "secondary rate" in the message.
      const answer = apiError(
        status,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        secondaryDocs,
      );
      return { ...answer, headers: { 'retry-after': String(retryAfterSeconds) } };
    }
    if (this.fiveXx > 0) {
      this.fiveXx -= 1;
      return { status: 502, json: { message: 'Server Error' } };
    }
    return undefined;
  }
}
