import { Doc, fieldValue } from './port';

/** One entry of an ordered index: a field's value and where the document is. */
export type IndexEntry = { value: string | number; pk: string; id: string };

/**
 * An ordered index: entries sorted by value in blocks of at most 1,024 (split in halves), so an insert or a removal
 * moves at most one block rather than the whole index (with 100,000 timers, a splice into one
 * sorted array cost more than the rest of a scheduler tick).
 */
export class SortedIndex {
  private static readonly BLOCK = 512;
  private blocks: IndexEntry[][] = [];
  /** Documents holding the field with a value the index cannot order (a boolean, null, an object): while any do, ORDER BY cannot be read from the index. */
  unordered = 0;

  /** The position (block, offset) of the first entry with a value ≥ `value` (> `value` when `after`). */
  private find(value: string | number, after: boolean): [number, number] {
    const before = (e: IndexEntry) => (after ? e.value <= value : e.value < value);
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid];
      if (before(block[block.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return [lo, 0];
    const block = this.blocks[lo];
    let l = 0;
    let h = block.length;
    while (l < h) {
      const m = (l + h) >>> 1;
      if (before(block[m])) l = m + 1;
      else h = m;
    }
    return [lo, l];
  }

  insert(entry: IndexEntry): void {
    if (!this.blocks.length) {
      this.blocks.push([entry]);
      return;
    }
    // After the entries of equal value, so ties keep the order they were written in.
    let [b, i] = this.find(entry.value, true);
    if (b === this.blocks.length) {
      b -= 1;
      i = this.blocks[b].length;
    }
    const block = this.blocks[b];
    block.splice(i, 0, entry);
    if (block.length > 2 * SortedIndex.BLOCK) this.blocks.splice(b, 1, block.slice(0, SortedIndex.BLOCK), block.slice(SortedIndex.BLOCK));
  }

  remove(value: string | number, pk: string, id: string): void {
    let [b, i] = this.find(value, false);
    while (b < this.blocks.length) {
      const block = this.blocks[b];
      if (i >= block.length) {
        b += 1;
        i = 0;
        continue;
      }
      const e = block[i];
      if (e.value !== value) return;
      if (e.pk === pk && e.id === id) {
        block.splice(i, 1);
        if (!block.length) this.blocks.splice(b, 1);
        return;
      }
      i += 1;
    }
  }

  /** Entries in order from the first ≥ `from.value` (> when `after`) while ≤ `to.value` (< unless `inclusive`). */
  *range(from?: { value: string | number; after: boolean }, to?: { value: string | number; inclusive: boolean }): Iterable<IndexEntry> {
    let [b, i] = from ? this.find(from.value, from.after) : [0, 0];
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b];
      for (; i < block.length; i++) {
        const e = block[i];
        if (to && (to.inclusive ? e.value > to.value : e.value >= to.value)) return;
        yield e;
      }
    }
  }

  /** Every entry from the greatest value down; entries of equal value keep the order they were written in. */
  *descending(): Iterable<IndexEntry> {
    let run: IndexEntry[] = [];
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const block = this.blocks[b];
      for (let i = block.length - 1; i >= 0; i--) {
        if (run.length && run[0].value !== block[i].value) {
          yield* run.reverse();
          run = [];
        }
        run.push(block[i]);
      }
    }
    yield* run.reverse();
  }
}

/** Adds `doc` to each of a container's ordered indexes whose field it holds as a string or number. */
export function indexDocument(indexes: Map<string, SortedIndex>, pk: string, doc: Doc): void {
  for (const [field, entries] of indexes) {
    const value = fieldValue(doc, field);
    if (typeof value !== 'string' && typeof value !== 'number') {
      if (value !== undefined) entries.unordered += 1;
      continue;
    }
    entries.insert({ value, pk, id: doc.id });
  }
}

/** Removes `doc` (as it was stored) from each of a container's ordered indexes. */
export function unindexDocument(indexes: Map<string, SortedIndex>, pk: string, doc: Doc): void {
  for (const [field, entries] of indexes) {
    const value = fieldValue(doc, field);
    if (typeof value !== 'string' && typeof value !== 'number') {
      if (value !== undefined) entries.unordered -= 1;
      continue;
    }
    entries.remove(value, pk, doc.id);
  }
}
