/**
 * Organisations and keys whose last admission was refused, until their retry-after passes or a
 * call of theirs is admitted again. While listed, their calls wait for admission before the
 * upstream is called, so a throttled client cannot make the gateway spend upstream capacity.
 */
export class RecentDenials {
  private static readonly MAX_ENTRIES = 100_000;
  private readonly until = new Map<string, number>();

  note(ids: string[], seconds: number, now = Date.now()): void {
    if (this.until.size >= RecentDenials.MAX_ENTRIES) this.prune(now);
    for (const id of ids) this.until.set(id, now + seconds * 1000);
  }

  clear(ids: string[]): void {
    if (this.until.size === 0) return;
    for (const id of ids) this.until.delete(id);
  }

  has(ids: string[], now = Date.now()): boolean {
    if (this.until.size === 0) return false;
    return ids.some((id) => (this.until.get(id) ?? 0) > now);
  }

  private prune(now: number): void {
    for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
  }
}
