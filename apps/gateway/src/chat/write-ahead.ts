/**
 * Streamed text is written ahead into the call's durable record before it is sent: each batch costs
 * one Redis round trip. A batch is whatever arrived while the previous one was being recorded, and,
 * when text comes faster than one batch per `spacingMs`, whatever arrived until `spacingMs` after
 * the previous write-ahead began: a fast upstream (a chunk every few milliseconds) costs at most
 * 1000 / `spacingMs` round trips a second, not one per chunk, and each chunk waits at most
 * `spacingMs`. A stream's first batch rides in its begin and never waits. Text that left the
 * gateway is therefore always in the record; a refused write-ahead stops the stream before that
 * text leaves.
 */
export class WriteAhead {
  /** Text recorded and handed to the client's socket. */
  delivered = '';
  failure: unknown = null;
  private lines: string[] = [];
  private text = '';
  /** Text at the head of the queue that is already recorded (a stream's first batch, written ahead by its begin). */
  private ahead = '';
  private draining: Promise<void> | null = null;
  /** When the last write-ahead (or the begin carrying the first batch) began. */
  private lastRecordAt = Number.NEGATIVE_INFINITY;
  /** Ends the wait for the next batch at once (the stream is over: nothing more will join it). */
  private wake: (() => void) | null = null;
  private flushing = false;
  private abandoned = false;

  constructor(
    private readonly record: (text: string) => Promise<boolean>,
    private readonly send: (chunk: string) => Promise<void>,
    private readonly spacingMs = 0,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues an SSE line and the completion text it carries. */
  push(line: string, text: string): void {
    this.lines.push(line);
    this.text += text;
    this.draining ??= this.drain();
  }

  /** Queues an SSE line whose text is already in the call's record: sent without a round trip of its own. */
  pushRecorded(line: string, text: string): void {
    this.ahead += text;
    this.lastRecordAt = this.now();
    this.push(line, text);
  }

  /** Throws the write-ahead's failure, so the stream stops reading the upstream. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Resolves once everything queued was recorded and sent (without waiting out the spacing); rejects with the failure otherwise. */
  async settled(): Promise<void> {
    this.flushing = true;
    await this.drained();
    this.check();
  }

  /**
   * The client left: what is queued is neither recorded nor sent (it would be charged for text it
   * never got); resolves once a write-ahead in flight, if any, is done.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await this.drained();
  }

  /** Ends a batch's wait (the caller just set why), then lets the drain run out. */
  private async drained(): Promise<void> {
    this.wake?.();
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.lines.length && !this.failure) {
        const spacing = this.text.length > this.ahead.length ? this.spacing() : null;
        if (spacing) await spacing;
        if (this.abandoned) return;
        const lines = this.lines.join('');
        const text = this.text;
        const fresh = text.slice(this.ahead.length);
        this.lines = [];
        this.text = '';
        this.ahead = '';
        if (fresh) {
          this.lastRecordAt = this.now();
          if (!(await this.record(fresh))) throw new Error('the call was finished by a reaper');
        }
        this.delivered += text;
        await this.send(lines);
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.draining = null;
    }
  }

  /**
   * Resolves `spacingMs` after the last write-ahead began (or at once when the stream is being
   * settled or abandoned); null when that time has passed, so a batch that need not wait does not.
   */
  private spacing(): Promise<void> | null {
    const wait = this.lastRecordAt + this.spacingMs - this.now();
    if (this.flushing || this.abandoned || !(wait > 0)) return null;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, wait);
      this.wake = () => {
        this.wake = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
