/**
 * Streamed text is written ahead into the call's durable record before it is sent: each batch
 * (whatever arrived while the previous batch was being recorded) costs one Redis round trip, so a
 * stream is delayed by about one round trip, not one per chunk. Text that left the gateway is
 * therefore always in the record; a refused write-ahead stops the stream before that text leaves.
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

  constructor(
    private readonly record: (text: string) => Promise<boolean>,
    private readonly send: (chunk: string) => Promise<void>,
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
    this.push(line, text);
  }

  /** Throws the write-ahead's failure, so the stream stops reading the upstream. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Resolves once everything queued was recorded and sent; rejects with the failure otherwise. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
    this.check();
  }

  private async drain(): Promise<void> {
    try {
      while (this.lines.length && !this.failure) {
        const lines = this.lines.join('');
        const text = this.text;
        const fresh = text.slice(this.ahead.length);
        this.lines = [];
        this.text = '';
        this.ahead = '';
        if (fresh && !(await this.record(fresh)))
          throw new Error('the call was finished by a reaper');
        this.delivered += text;
        await this.send(lines);
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.draining = null;
    }
  }
}
