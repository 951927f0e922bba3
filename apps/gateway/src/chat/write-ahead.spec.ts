import { WriteAhead } from './write-ahead';

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteAhead', () => {
  it('sends a batch only after its text was recorded, and batches what arrives meanwhile', async () => {
    const events: string[] = [];
    const pending: (() => void)[] = [];
    const w = new WriteAhead(
      (text) =>
        new Promise((resolve) =>
          pending.push(() => (events.push(`recorded ${text}`), resolve(true))),
        ),
      async (chunk) => void events.push(`sent ${chunk}`),
    );
    w.push('<a>', 'a');
    w.push('<b>', 'b');
    w.push('<c>', 'c');
    await tick();
    expect(events).toEqual([]);
    pending.shift()!();
    await tick();
    pending.shift()!();
    await w.settled();
    expect(events).toEqual(['recorded a', 'sent <a>', 'recorded bc', 'sent <b><c>']);
    expect(w.delivered).toBe('abc');
  });

  it('sends nothing more once a write-ahead is refused, and reports the failure', async () => {
    const sent: string[] = [];
    let calls = 0;
    const w = new WriteAhead(
      async () => {
        calls++;
        if (calls === 2) throw new Error('OOM');
        return true;
      },
      async (chunk) => void sent.push(chunk),
    );
    w.push('<a>', 'a');
    await tick();
    w.push('<b>', 'b');
    w.push('<c>', 'c');
    await expect(w.settled()).rejects.toThrow('OOM');
    expect(() => w.check()).toThrow('OOM');
    expect(sent).toEqual(['<a>']);
    expect(w.delivered).toBe('a');
  });

  it('stops when the call was reaped (the record is no longer its own)', async () => {
    const w = new WriteAhead(
      async () => false,
      async () => undefined,
    );
    w.push('<a>', 'a');
    await expect(w.settled()).rejects.toThrow('reaper');
    expect(w.delivered).toBe('');
  });

  it('sends chunks without text (role, tool deltas) without a round trip', async () => {
    const record = jest.fn(async () => true);
    const sent: string[] = [];
    const w = new WriteAhead(record, async (c) => void sent.push(c));
    w.push('<role>', '');
    await w.settled();
    expect(record).not.toHaveBeenCalled();
    expect(sent).toEqual(['<role>']);
  });

  it('sends a batch already recorded by the begin without recording it again, and records what follows', async () => {
    const recorded: string[] = [];
    const sent: string[] = [];
    const w = new WriteAhead(
      async (text) => (recorded.push(text), true),
      async (chunk) => void sent.push(chunk),
    );
    w.pushRecorded('<a>', 'a');
    w.push('<b>', 'b');
    await w.settled();
    expect(recorded).toEqual(['b']);
    expect(sent.join('')).toBe('<a><b>');
    expect(w.delivered).toBe('ab');
  });

  describe('with a spacing between write-aheads', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** A WriteAhead on jest's clock, spacing 25 ms, logging what it records and sends. */
    function spaced() {
      const events: string[] = [];
      const w = new WriteAhead(
        async (text) => (events.push(`recorded ${text} at ${Date.now()}`), true),
        async (chunk) => void events.push(`sent ${chunk}`),
        25,
        () => Date.now(),
      );
      return { w, events };
    }

    it('records the first batch at once, then gathers what comes within the spacing into one batch', async () => {
      jest.setSystemTime(0);
      const { w, events } = spaced();
      w.push('<a>', 'a');
      await jest.advanceTimersByTimeAsync(5);
      w.push('<b>', 'b');
      await jest.advanceTimersByTimeAsync(5);
      w.push('<c>', 'c');
      expect(events).toEqual(['recorded a at 0', 'sent <a>']);
      await jest.advanceTimersByTimeAsync(15);
      expect(events).toEqual(['recorded a at 0', 'sent <a>', 'recorded bc at 25', 'sent <b><c>']);
      // After a pause longer than the spacing, text goes at once.
      await jest.advanceTimersByTimeAsync(100);
      w.push('<d>', 'd');
      await jest.advanceTimersByTimeAsync(0);
      expect(events.slice(4)).toEqual(['recorded d at 125', 'sent <d>']);
      await w.settled();
      expect(w.delivered).toBe('abcd');
    });

    it('counts the begin that carried the first batch as a write-ahead', async () => {
      jest.setSystemTime(1_000);
      const { w, events } = spaced();
      w.pushRecorded('<a>', 'a');
      w.push('<b>', 'b');
      await jest.advanceTimersByTimeAsync(0);
      expect(events).toEqual(['sent <a>']);
      await jest.advanceTimersByTimeAsync(25);
      expect(events).toEqual(['sent <a>', 'recorded b at 1025', 'sent <b>']);
    });

    it('sends text without any to record (a role chunk) without waiting', async () => {
      jest.setSystemTime(0);
      const { w, events } = spaced();
      w.push('<a>', 'a');
      await jest.advanceTimersByTimeAsync(1);
      w.push('<role>', '');
      await jest.advanceTimersByTimeAsync(0);
      expect(events).toEqual(['recorded a at 0', 'sent <a>', 'sent <role>']);
    });

    it('settles the last batch without waiting out the spacing', async () => {
      jest.setSystemTime(0);
      const { w, events } = spaced();
      w.push('<a>', 'a');
      await jest.advanceTimersByTimeAsync(1);
      w.push('<b>', 'b');
      await w.settled();
      expect(events).toEqual(['recorded a at 0', 'sent <a>', 'recorded b at 1', 'sent <b>']);
    });

    it('neither records nor sends what waits when the client leaves', async () => {
      jest.setSystemTime(0);
      const { w, events } = spaced();
      w.push('<a>', 'a');
      await jest.advanceTimersByTimeAsync(1);
      w.push('<b>', 'b');
      await w.abandon();
      await jest.advanceTimersByTimeAsync(100);
      expect(events).toEqual(['recorded a at 0', 'sent <a>']);
      expect(w.delivered).toBe('a');
    });
  });
});
