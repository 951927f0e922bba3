/** FNV-1a: a fast, stable hash, so the same prompt always gets the same answer. */
export function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const WORDS = (
  'the velvet rope opens for those who wait model answer token gateway premium signal quiet ' +
  'contract spend window audit ledger merkle river stone light north field glass orbit amber ' +
  'harbor cedar lantern meadow summit echo thread canvas copper willow ember atlas signal prism'
).split(' ');

/** A small deterministic generator (mulberry32): the simulator's only source of variety. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  word(): string {
    return this.pick(WORDS);
  }
}
