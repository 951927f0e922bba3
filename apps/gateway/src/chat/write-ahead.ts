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
        this.lines = [];
        this.text = '';
        if (text && !(await this.record(text))) throw new Error('the call was finished by a reaper');
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
