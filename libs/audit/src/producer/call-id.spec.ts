import { newCallId } from './call-id';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newCallId', () => {
  it('makes UUID v7 ids in the order they are made, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newCallId());
    for (const id of ids) expect(id).toMatch(V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes an id for a past time that sorts before the ids of now', () => {
    const at = Date.parse('2026-10-31T12:00:00.123Z');
    const past = newCallId(at);
    expect(past).toMatch(V7);
    expect(millisecondsOf(past)).toBe(at);
    expect(past < newCallId()).toBe(true);
  });
});
