// adc/runtime typed stacks (F64Stack, BitStack, U32Stack): exact LIFO order across growth
// boundaries, agreement with a plain-array model on random push/pop sequences, underflow
// errors, peak accounting, clear/resetPeak.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BitStack, F64Stack, U32Stack } from "../runtime/index.js";

const SEED = 20250117;

/** Index of the first element where Object.is fails (distinguishes -0 and 0, NaN equals NaN), or -1. */
function firstMismatch<T>(got: readonly T[], want: readonly T[]): number {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

function popAll<T>(s: { length: number; pop(): T }): T[] {
  const out: T[] = [];
  while (s.length > 0) out.push(s.pop());
  return out;
}

/** Deterministic 32-bit generator (mulberry32), for bit patterns. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const SPECIAL_F64 = [
  0,
  -0,
  NaN,
  Infinity,
  -Infinity,
  Number.MIN_VALUE, // smallest subnormal
  -Number.MIN_VALUE,
  2.2250738585072014e-308 / 3, // subnormal
  2.2250738585072014e-308, // smallest normal
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  1 / 3,
  Number.MAX_SAFE_INTEGER,
];

/** 10,000 doubles: fast-check's biased doubles, raw random bit patterns and the specials. */
function randomDoubles(n: number): number[] {
  const fromFc = fc.sample(fc.double(), { seed: SEED, numRuns: n });
  const next = rng(SEED);
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) out.push(SPECIAL_F64[(i / 50) % SPECIAL_F64.length]);
    else if (i % 2 === 0) out.push(fromFc[i]);
    else {
      view.setUint32(0, next());
      view.setUint32(4, next());
      out.push(view.getFloat64(0));
    }
  }
  return out;
}

describe("F64Stack", () => {
  it("pushAll and popInto snapshot arrays in LIFO order, between single pushes, growing as needed", () => {
    const s = new F64Stack(1);
    const a = [1, -0, NaN, 2.5];
    const b = Float64Array.of(7, 8, 9);
    s.push(42);
    s.pushAll(a);
    s.push(43);
    s.pushAll(b);
    expect(s.length).toBe(9);
    expect(s.peak).toBe(9);
    const intoB = new Float64Array(3);
    const intoA = new Array<number>(4).fill(0);
    s.popInto(intoB);
    expect([...intoB]).toEqual([7, 8, 9]);
    expect(s.pop()).toBe(43);
    s.popInto(intoA);
    expect(intoA).toEqual([1, -0, NaN, 2.5]);
    expect(Object.is(intoA[1], -0)).toBe(true);
    expect(s.pop()).toBe(42);
    expect(() => s.popInto([0])).toThrow(/empty stack/);
  });

  it("pops 10,000 random values (-0, NaN, ±Infinity, subnormals) back exactly, in reverse", () => {
    const values = randomDoubles(10_000);
    for (const s of [new F64Stack(), new F64Stack(1)]) {
      for (const v of values) s.push(v);
      expect(s.length).toBe(10_000);
      const popped = popAll(s);
      expect(firstMismatch(popped, values.slice().reverse())).toBe(-1);
      expect(s.length).toBe(0);
    }
    // -0 really comes back as -0
    const s = new F64Stack();
    s.push(-0);
    expect(Object.is(s.pop(), -0)).toBe(true);
  });

  it("keeps earlier contents when the buffer grows (64 -> 65, and from capacity 1)", () => {
    const s = new F64Stack();
    for (let i = 0; i < 64; i++) s.push(i + 0.5);
    s.push(64.5); // forces the first doubling
    expect(popAll(s)).toEqual(Array.from({ length: 65 }, (_, i) => 64.5 - i));
    const t = new F64Stack(1);
    for (let i = 0; i < 1000; i++) t.push(-i);
    t.clear();
    for (let i = 0; i < 2000; i++) t.push(i); // reuse, then grow past the old size
    expect(popAll(t)).toEqual(Array.from({ length: 2000 }, (_, i) => 1999 - i));
  });

  it("reserve makes room for n more values at once, keeping the contents; pushes through a cursor then need no check", () => {
    const s = new F64Stack(4);
    s.push(1.5);
    s.push(-2);
    const buf = s.reserve(1000);
    expect(buf).toBe(s.data);
    expect(buf.length).toBeGreaterThanOrEqual(1002);
    expect(buf.length & (buf.length - 1)).toBe(0); // grown by doubling: a power of two from 4
    expect([buf[0], buf[1]]).toEqual([1.5, -2]);
    let at = s.length;
    for (let i = 0; i < 1000; i++) buf[at++] = i / 3;
    s.commit(at);
    expect(s.peak).toBe(1002);
    for (let i = 999; i >= 0; i--) expect(s.pop()).toBe(i / 3);
    expect([s.pop(), s.pop()]).toEqual([-2, 1.5]);
    expect(s.reserve(0)).toBe(buf); // enough room: the same buffer
    expect(() => s.reserve(Infinity)).toThrow(/infinite bound/);
  });

  it("reports peak and peakBytes (1000 pushes -> 8000 bytes), not the capacity", () => {
    const s = new F64Stack();
    expect([s.peak, s.peakBytes]).toEqual([0, 0]);
    for (let i = 0; i < 1000; i++) s.push(i);
    expect([s.length, s.peak, s.peakBytes]).toEqual([1000, 1000, 8000]);
    for (let i = 0; i < 600; i++) s.pop();
    for (let i = 0; i < 100; i++) s.push(i);
    expect([s.length, s.peak, s.peakBytes]).toEqual([500, 1000, 8000]);
    const one = new F64Stack();
    one.push(1); // capacity 64, contents 1 element
    expect(one.peakBytes).toBe(8);
  });
});

describe("BitStack", () => {
  it("pops 10,000 random bits back exactly, in reverse", () => {
    const next = rng(SEED + 1);
    const bits = Array.from({ length: 10_000 }, () => (next() & 1) === 1);
    for (const s of [new BitStack(), new BitStack(1)]) {
      for (const b of bits) s.push(b);
      expect(s.length).toBe(10_000);
      expect(firstMismatch(popAll(s), bits.slice().reverse())).toBe(-1);
    }
  });

  it("is exact at word boundaries (31/32/33, 63/64/65 bits; growth at 2048 bits)", () => {
    const next = rng(SEED + 2);
    for (const n of [1, 31, 32, 33, 63, 64, 65, 2047, 2048, 2049]) {
      for (const pattern of ["random", "ones", "zeros", "alternating"] as const) {
        const bits = Array.from({ length: n }, (_, i) =>
          pattern === "random" ? (next() & 1) === 1 : pattern === "ones" ? true : pattern === "zeros" ? false : i % 2 === 0,
        );
        for (const s of [new BitStack(), new BitStack(1)]) {
          for (const b of bits) s.push(b);
          expect(firstMismatch(popAll(s), bits.slice().reverse()), `${n} ${pattern} bits`).toBe(-1);
        }
      }
    }
  });

  it("overwrites stale bits: ones popped across a word boundary, then zeros pushed", () => {
    const s = new BitStack();
    for (let i = 0; i < 34; i++) s.push(true);
    s.pop();
    s.pop();
    s.pop(); // 31 left: bit 31 of word 0 and bits 0..1 of word 1 are stale ones
    for (let i = 0; i < 3; i++) s.push(false);
    expect(popAll(s)).toEqual([false, false, false, ...Array<boolean>(31).fill(true)]);
    s.push(true);
    s.clear(); // clear leaves a stale one behind
    s.push(false);
    expect(s.pop()).toBe(false);
  });

  it("reports peak and peakBytes = ceil(peak / 8) (1,000,000 pushes -> 125,000 bytes)", () => {
    const s = new BitStack();
    for (let i = 0; i < 1_000_000; i++) s.push((i & 3) === 1);
    expect([s.length, s.peak, s.peakBytes]).toEqual([1_000_000, 1_000_000, 125_000]);
    const t = new BitStack();
    for (let i = 0; i < 9; i++) t.push(true);
    expect([t.peak, t.peakBytes]).toEqual([9, 2]);
    t.pop();
    expect([t.peak, t.peakBytes]).toEqual([9, 2]);
  });
});

describe("U32Stack", () => {
  it("pops 10,000 random values up to 2^32 - 1 back exactly, in reverse", () => {
    const values = fc.sample(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { seed: SEED, numRuns: 10_000 });
    values.push(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1);
    for (const s of [new U32Stack(), new U32Stack(1)]) {
      for (const v of values) s.push(v);
      expect(firstMismatch(popAll(s), values.slice().reverse())).toBe(-1);
    }
  });

  it("keeps earlier contents when the buffer grows", () => {
    const s = new U32Stack();
    for (let i = 0; i < 65; i++) s.push(2 ** 32 - 1 - i);
    expect(popAll(s)).toEqual(Array.from({ length: 65 }, (_, i) => 2 ** 32 - 1 - (64 - i)));
  });

  it("reports peak and peakBytes = peak * 4", () => {
    const s = new U32Stack();
    for (let i = 0; i < 1000; i++) s.push(i);
    s.pop();
    expect([s.length, s.peak, s.peakBytes]).toEqual([999, 1000, 4000]);
  });
});

// ---------------------------------------------------------------------------------------
// Shared behaviour, checked for each class against a plain JS array model.

interface AnyStack<T> {
  length: number;
  readonly peak: number;
  readonly peakBytes: number;
  push(v: T): void;
  pop(): T;
  clear(): void;
  resetPeak(): void;
}

interface Kind<T> {
  name: string;
  make(initialCapacity?: number): AnyStack<T>;
  value: fc.Arbitrary<T>;
  bytes(peak: number): number;
}

/** Erases T so the three kinds share one table (each kind's values only meet its own stack). */
const kind = <T>(k: Kind<T>): Kind<unknown> => k as unknown as Kind<unknown>;

const KINDS: Kind<unknown>[] = [
  kind<number>({ name: "F64Stack", make: (c) => new F64Stack(c), value: fc.double(), bytes: (p) => p * 8 }),
  kind<boolean>({ name: "BitStack", make: (c) => new BitStack(c), value: fc.boolean(), bytes: (p) => Math.ceil(p / 8) }),
  kind<number>({ name: "U32Stack", make: (c) => new U32Stack(c), value: fc.integer({ min: 0, max: 2 ** 32 - 1 }), bytes: (p) => p * 4 }),
];

type Op<T> = { op: "push"; v: T } | { op: "pop" } | { op: "clear" } | { op: "resetPeak" };

describe.each(KINDS.map((k) => [k.name, k] as const))("%s", (_name, kind) => {
  it("matches a plain array model on random interleaved push/pop/clear/resetPeak sequences", () => {
    const op: fc.Arbitrary<Op<unknown>> = fc.oneof(
      { weight: 12, arbitrary: kind.value.map((v) => ({ op: "push" as const, v })) },
      { weight: 8, arbitrary: fc.constant({ op: "pop" as const }) },
      { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
      { weight: 1, arbitrary: fc.constant({ op: "resetPeak" as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.constantFrom(1, 3, 64), (ops, capacity) => {
        const s = kind.make(capacity);
        const model: unknown[] = [];
        let peak = 0;
        for (const o of ops) {
          if (o.op === "push") {
            s.push(o.v);
            model.push(o.v);
            peak = Math.max(peak, model.length);
          } else if (o.op === "pop") {
            if (model.length === 0) expect(() => s.pop()).toThrow(/empty stack/);
            else if (!Object.is(s.pop(), model.pop())) return false;
          } else if (o.op === "clear") {
            s.clear();
            model.length = 0;
          } else {
            s.resetPeak();
            peak = model.length;
          }
          if (s.length !== model.length || s.peak !== peak || s.peakBytes !== kind.bytes(peak)) return false;
        }
        return firstMismatch(popAll(s), model.reverse()) === -1;
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("throws a clear error on underflow and stays usable", () => {
    const s = kind.make();
    expect(() => s.pop()).toThrow(`adc runtime: ${kind.name}.pop() on an empty stack`);
    expect(s.length).toBe(0);
    const v = fc.sample(kind.value, { seed: SEED, numRuns: 1 })[0];
    s.push(v);
    expect(Object.is(s.pop(), v)).toBe(true);
    expect(() => s.pop()).toThrow(Error);
    s.push(v);
    s.push(v);
    s.clear();
    expect(() => s.pop()).toThrow(/generated code/);
    expect(s.length).toBe(0);
  });

  it("clear keeps the peak; resetPeak sets it to the current length", () => {
    const s = kind.make();
    const vs = fc.sample(kind.value, { seed: SEED, numRuns: 100 });
    for (const v of vs) s.push(v);
    s.clear();
    expect([s.length, s.peak, s.peakBytes]).toEqual([0, 100, kind.bytes(100)]);
    for (const v of vs.slice(0, 10)) s.push(v);
    expect(s.peak).toBe(100);
    s.resetPeak();
    expect([s.length, s.peak, s.peakBytes]).toEqual([10, 10, kind.bytes(10)]);
    s.push(vs[0]);
    expect(s.peak).toBe(11);
    s.clear();
    s.resetPeak();
    expect([s.peak, s.peakBytes]).toEqual([0, 0]);
  });
});
