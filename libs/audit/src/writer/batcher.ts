/**
 * Gathers items handed over one by one (each BullMQ job) into batches written together; every
 * caller's promise settles with its batch. One flush at a time: the log has a single writer
 * anyway, and items arriving meanwhile form the next batch.
 */
export class Batcher<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  add(item: T): Promise<R> {
    return this.addAll([item])[0];
  }

  /**
   * Several items at once, in order: they join the pending batch together, so a reader's whole
   * read forms full batches instead of being cut by the timer while it is still being derived.
   */
  addAll(items: readonly T[]): Array<Promise<R>> {
    const promises = items.map(
      (item) => new Promise<R>((resolve, reject) => this.pending.push({ item, resolve, reject })),
    );
    if (this.pending.length >= this.maxSize) this.kick();
    else if (this.pending.length && !this.timer)
      this.timer = setTimeout(() => this.kick(), this.maxWaitMs);
    return promises;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxSize);
    this.flushing = this.write(batch.map((p) => p.item))
      .then(
        (results) => batch.forEach((p, i) => p.resolve(results[i])),
        (error) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.flushing = null;
        // Whatever arrived during the flush has waited long enough: group commit.
        if (this.pending.length) this.kick();
      });
  }

  /** Waits for the batch in flight (shutdown). */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.length) {
      if (!this.flushing) this.kick();
      await this.flushing;
    }
  }
}
