/** Keeps the `cap` largest keys seen (a min-heap on key); ties keep the earlier entry. */
export class TopK {
  readonly keys: Float64Array;
  readonly slots: Int32Array;
  size = 0;

  constructor(readonly cap: number) {
    this.keys = new Float64Array(cap);
    this.slots = new Int32Array(cap);
  }

  /** A key must beat this to enter (-Infinity while not full). */
  get threshold(): number {
    return this.size < this.cap ? -Infinity : this.keys[0]!;
  }

  push(key: number, slot: number): void {
    const { keys, slots } = this;
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p]! <= key) break;
        keys[i] = keys[p]!;
        slots[i] = slots[p]!;
        i = p;
      }
      keys[i] = key;
      slots[i] = slot;
      return;
    }
    if (!(key > keys[0]!)) return;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r]! < keys[l]! ? r : l;
      if (keys[c]! >= key) break;
      keys[i] = keys[c]!;
      slots[i] = slots[c]!;
      i = c;
    }
    keys[i] = key;
    slots[i] = slot;
  }

  /** Entries best first. */
  sorted(): { key: number; slot: number }[] {
    const out: { key: number; slot: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ key: this.keys[i]!, slot: this.slots[i]! });
    return out.sort((a, b) => b.key - a.key || a.slot - b.slot);
  }
}
