/**
 * A token bucket: `rate` tokens per second, holding at most one second's worth. Taking more than is
 * there is allowed (the debt is the wait the caller should impose), which is what backpressure needs.
 */
export class TokenBucket {
  #tokens: number;
  #updated = performance.now();
  readonly #rate: number;

  constructor(rate: number) {
    this.#rate = rate;
    this.#tokens = rate;
  }

  /** Takes `amount` tokens; returns how many milliseconds to wait before the bucket is back to zero debt. */
  take(amount = 1): number {
    const now = performance.now();
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#updated) / 1000) * this.#rate);
    this.#updated = now;
    this.#tokens -= amount;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#rate) * 1000;
  }
}
