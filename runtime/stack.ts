// Typed LIFO stacks for generated loop adjoints: the forward sweep pushes, per iteration, the
// values the reverse sweep reads (F64Stack), the branch decisions it replays (BitStack) and the
// trip counts of inner loops (U32Stack); the reverse sweep pops them in the opposite order.
//
// Why they look like this:
// - No allocation per push or pop: values live unboxed in one typed array (Float64Array or
//   Uint32Array), never as boxed numbers or objects, so a hot loop creates no garbage.
// - Growth is amortised: the buffer starts small (64 elements / 64 words) and doubles when
//   full (one `.set` copy), so n pushes copy fewer than 2n elements in total. It never
//   shrinks: a stack reused across calls (clear()) stays at its high-water size.
// - Bits are packed 32 per Uint32 word, so a branch taken 1,000,000 times costs 125 KB, not
//   8 MB of doubles or a million array slots.
// - Every method is a few lines and every instance has the same fields in the same order,
//   so call sites stay monomorphic and V8 inlines push/pop into the generated loops. The rare
//   paths (growing, the underflow error) are out-of-line calls that keep push/pop small.
// - Underflow throws: popping more than was pushed is an adc compiler bug, and must be
//   reported as one rather than turn into a silent NaN or 0 inside a gradient.
//
// `length` is a plain public field (read it, never write it): reading it costs a field load.

const INITIAL = 64;

function initialSize(n: number): number {
  return n >= 1 ? Math.ceil(n) : 1;
}

function endless(): never {
  throw new RangeError("adc runtime: a loop with an infinite bound would record values without end");
}

function underflow(kind: string): never {
  throw new Error(
    `adc runtime: ${kind}.pop() on an empty stack (the reverse sweep popped more values than the forward sweep pushed; this is a bug in adc's generated code)`,
  );
}

/**
 * Float64 values, LIFO. Generated loops use it through a local cursor, which V8 keeps in a
 * register (a field updated on every push costs a load and a store each time):
 *   let buf = s.data, at = s.length;                       before the loop
 *   if (at === buf.length) buf = s.grow(); buf[at++] = v;  a push
 *   s.commit(at);                                          after the loop
 *   const v = buf[--at];  …  s.length = at;                the reverse sweep's pops
 */
export class F64Stack {
  /** Number of values on the stack. */
  length: number;
  /** The buffer (read it into a local; it is replaced when the stack grows). */
  data: Float64Array;
  private top: number;

  /** `initialCapacity`: elements to reserve up front (default 64); the buffer doubles when full. */
  constructor(initialCapacity: number = INITIAL) {
    this.length = 0;
    this.data = new Float64Array(initialSize(initialCapacity));
    this.top = 0;
  }

  push(v: number): void {
    const n = this.length;
    if (n === this.data.length) this.grow();
    this.data[n] = v;
    this.length = n + 1;
    if (n >= this.top) this.top = n + 1;
  }

  /** Throws on underflow (a compiler bug, never a silent NaN). */
  pop(): number {
    const n = this.length - 1;
    if (n < 0) underflow("F64Stack");
    this.length = n;
    return this.data[n];
  }

  /** The most elements the stack ever held (since construction or resetPeak). */
  get peak(): number {
    return this.top;
  }

  /** The most bytes the contents ever needed: peak * 8 (not the capacity). */
  get peakBytes(): number {
    return this.top * 8;
  }

  /** Forgets the contents; keeps the buffer and the peak. */
  clear(): void {
    this.length = 0;
  }

  /** Sets the peak to the current length. */
  resetPeak(): void {
    this.top = this.length;
  }

  /** Doubles the buffer (keeping its contents) and returns the new one. */
  grow(): Float64Array {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    return next;
  }

  /**
   * Makes room for `extra` more values and returns the buffer: a loop that runs a known number
   * of times reserves once, before it, and its pushes need no capacity check. Grows by doubling
   * (amortised as for pushes).
   */
  reserve(extra: number): Float64Array {
    const need = this.length + extra;
    if (need <= this.data.length) return this.data;
    if (!Number.isFinite(need)) endless();
    let size = this.data.length * 2;
    while (size < need) size *= 2;
    const next = new Float64Array(size);
    next.set(this.data);
    this.data = next;
    return next;
  }

  /** Sets the length after pushes through a local cursor (and keeps the peak up to date). */
  commit(length: number): void {
    this.length = length;
    if (length > this.top) this.top = length;
  }

  /** Pushes every element of `a`, in order: a snapshot of a local array that is written again later. */
  pushAll(a: ArrayLike<number>): void {
    const n = this.length;
    const m = a.length;
    while (n + m > this.data.length) this.grow();
    const data = this.data;
    for (let i = 0; i < m; i++) data[n + i] = a[i];
    this.commit(n + m);
  }

  /** Pops a snapshot pushed by pushAll back into `a` (of the same length), restoring its elements. */
  popInto(a: { [i: number]: number; readonly length: number }): void {
    const m = a.length;
    const n = this.length - m;
    if (n < 0) underflow("F64Stack");
    const data = this.data;
    for (let i = 0; i < m; i++) a[i] = data[n + i];
    this.length = n;
  }
}

/** Booleans (branch decisions), LIFO, packed 32 per Uint32 word. */
export class BitStack {
  /** Number of bits on the stack. Read-only by convention (a plain field for speed). */
  length: number;
  private words: Uint32Array;
  private top: number;

  /** `initialCapacity`: bits to reserve up front (default 64 words = 2048 bits); doubles when full. */
  constructor(initialCapacity: number = INITIAL * 32) {
    this.length = 0;
    this.words = new Uint32Array(Math.ceil(initialSize(initialCapacity) / 32));
    this.top = 0;
  }

  push(b: boolean): void {
    const n = this.length;
    const w = n >>> 5;
    if (w === this.words.length) this.grow();
    const mask = 1 << (n & 31);
    // overwrite the bit either way: a popped 1 may still sit in this position
    this.words[w] = b ? this.words[w] | mask : this.words[w] & ~mask;
    this.length = n + 1;
    if (n >= this.top) this.top = n + 1;
  }

  /** Throws on underflow (a compiler bug, never a silent false). */
  pop(): boolean {
    const n = this.length - 1;
    if (n < 0) underflow("BitStack");
    this.length = n;
    return ((this.words[n >>> 5] >>> (n & 31)) & 1) !== 0;
  }

  /** The most bits the stack ever held (since construction or resetPeak). */
  get peak(): number {
    return this.top;
  }

  /** The most bytes the contents ever needed: ceil(peak / 8) (not the capacity). */
  get peakBytes(): number {
    return Math.ceil(this.top / 8);
  }

  /** Forgets the contents; keeps the buffer and the peak. */
  clear(): void {
    this.length = 0;
  }

  /** Sets the peak to the current length. */
  resetPeak(): void {
    this.top = this.length;
  }

  private grow(): void {
    const next = new Uint32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
  }
}

/**
 * Non-negative integers below 2^32 (trip counts of inner loops), LIFO, in a Uint32Array.
 * push does not check its argument (it is on the hot path): a value outside [0, 2^32) or a
 * fraction is stored modulo 2^32 like any Uint32Array write.
 */
export class U32Stack {
  /** Number of values on the stack. Read-only by convention (a plain field for speed). */
  length: number;
  private data: Uint32Array;
  private top: number;

  /** `initialCapacity`: elements to reserve up front (default 64); the buffer doubles when full. */
  constructor(initialCapacity: number = INITIAL) {
    this.length = 0;
    this.data = new Uint32Array(initialSize(initialCapacity));
    this.top = 0;
  }

  push(v: number): void {
    const n = this.length;
    if (n === this.data.length) this.grow();
    this.data[n] = v;
    this.length = n + 1;
    if (n >= this.top) this.top = n + 1;
  }

  /** Throws on underflow (a compiler bug, never a silent 0). */
  pop(): number {
    const n = this.length - 1;
    if (n < 0) underflow("U32Stack");
    this.length = n;
    return this.data[n];
  }

  /** The most elements the stack ever held (since construction or resetPeak). */
  get peak(): number {
    return this.top;
  }

  /** The most bytes the contents ever needed: peak * 4 (not the capacity). */
  get peakBytes(): number {
    return this.top * 4;
  }

  /** Forgets the contents; keeps the buffer and the peak. */
  clear(): void {
    this.length = 0;
  }

  /** Sets the peak to the current length. */
  resetPeak(): void {
    this.top = this.length;
  }

  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
