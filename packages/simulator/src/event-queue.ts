interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * The simulation's agenda: a binary min-heap of things to do, ordered by time and, for equal times,
 * by the order they were scheduled, so a run is the same on every machine.
 */
export class EventQueue {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peekTime(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  schedule(at: number, run: () => void): void {
    const item: Scheduled = { at, seq: this.seq++, run };
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  /** Removes the earliest item and returns it, or undefined when nothing is left. */
  pop(): Scheduled | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Scheduled, heap[left] as Scheduled)) child = right;
      const c = heap[child] as Scheduled;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
