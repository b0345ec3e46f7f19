/**
 * The ids of the internal signatures one process has accepted, each kept until its signature expires, so that none
 * is accepted twice. Bounded: ids are dropped at their expiry, and when the memory is full of live ids a new one is
 * refused (`full`) rather than an old one forgotten, which would let its signature be replayed.
 */
export class SeenSignatures {
  /** Id → expiry (ms since epoch), in the order accepted: signatures share one life, so that is nearly expiry order. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Records `id` as used until `expiresAt`: `first` the first time, `replay` while it is remembered, `full` when there is no room. */
  use(id: string, expiresAt: number, now = Date.now()): 'first' | 'replay' | 'full' {
    this.dropExpired(now, false);
    const known = this.expiries.get(id);
    if (known !== undefined && known > now) return 'replay';
    if (this.expiries.size >= this.maxEntries) {
      this.dropExpired(now, true);
      if (this.expiries.size >= this.maxEntries) return 'full';
    }
    this.expiries.delete(id);
    this.expiries.set(id, expiresAt);
    return 'first';
  }

  /** Drops expired ids: the oldest ones up to the first live one, or every one when `all`. */
  private dropExpired(now: number, all: boolean): void {
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt <= now) this.expiries.delete(id);
      else if (!all) return;
    }
  }

  get size(): number {
    return this.expiries.size;
  }
}
