// Micro-benchmark of the runtime's typed stacks (`npx tsx bench/stacks.ts`): ns per push+pop
// pair for F64Stack, BitStack and U32Stack against a plain JS array used as a stack (the
// naive thing generated code could do instead), and a hand-inlined Float64Array as the floor.
//
// Method: each variant runs 10^7 push+pop pairs per round, in the shape a loop adjoint has:
// push `depth` values (forward sweep), then pop them all (reverse sweep), repeated until 10^7
// pairs. Depth 1,000 keeps the data in cache; depth 1,000,000 streams through memory (8 MB of
// doubles). Pushed values come from a 1024-entry table so V8 cannot constant-fold them; popped
// values are summed into a printed sink. Every stack and array is created once and reused, as
// a generated function would reuse its stacks, so growth happens only in the warm-up.
// After warm-up rounds, each timed round runs every variant once, in an order that rotates
// from round to round. Reported: median ns per pair, and the median of the per-round ratio to
// the plain-array baseline of the same element type. No assertion is made on timings.
//
// Options: --rounds N (timed rounds, default 21), --pairs P (pairs per round, default 1e7).

import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { BitStack, F64Stack, U32Stack } from "../runtime/index.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = option("--rounds", 21);
const PAIRS = option("--pairs", 1e7);
const WARMUP = 4;
const MASK = 1023;

// value tables: doubles for F64, random bits, trip-count-like integers below 2^20
const F64_SRC = new Float64Array(MASK + 1);
const BIT_SRC = new Uint8Array(MASK + 1);
const U32_SRC = new Uint32Array(MASK + 1);
{
  let a = 12345;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  for (let i = 0; i <= MASK; i++) {
    F64_SRC[i] = next() / 2 ** 32 - 0.5;
    BIT_SRC[i] = next() & 1;
    U32_SRC[i] = next() >>> 12;
  }
}

interface Variant {
  name: string;
  baseline: string; // name of the variant it is compared with ("" for a baseline)
  /** Runs `pairs` push+pop pairs in sweeps of `depth`; returns a value depending on every pop. */
  run(pairs: number, depth: number): number;
}

function variants(): Variant[] {
  const src = F64_SRC;
  const bits = BIT_SRC;
  const ints = U32_SRC;
  const f64 = new F64Stack();
  const bit = new BitStack();
  const u32 = new U32Stack();
  const raw = new Float64Array(1_000_000);
  const arrF: number[] = [];
  const arrB: boolean[] = [];
  const arrU: number[] = [];
  return [
    {
      name: "number[] (doubles)",
      baseline: "",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) arrF.push(src[(k + j) & MASK]);
          for (let j = 0; j < depth; j++) acc += arrF.pop()!;
        }
        return acc;
      },
    },
    {
      name: "F64Stack",
      baseline: "number[] (doubles)",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) f64.push(src[(k + j) & MASK]);
          for (let j = 0; j < depth; j++) acc += f64.pop();
        }
        return acc;
      },
    },
    {
      // the floor: what push/pop inline to, written by hand (no growth check, no peak)
      name: "Float64Array, by hand",
      baseline: "number[] (doubles)",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          let n = 0;
          for (let j = 0; j < depth; j++) raw[n++] = src[(k + j) & MASK];
          for (let j = 0; j < depth; j++) acc += raw[--n];
        }
        return acc;
      },
    },
    {
      name: "boolean[]",
      baseline: "",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) arrB.push(bits[(k + j) & MASK] === 1);
          for (let j = 0; j < depth; j++) if (arrB.pop()) acc++;
        }
        return acc;
      },
    },
    {
      name: "BitStack",
      baseline: "boolean[]",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) bit.push(bits[(k + j) & MASK] === 1);
          for (let j = 0; j < depth; j++) if (bit.pop()) acc++;
        }
        return acc;
      },
    },
    {
      name: "number[] (ints < 2^20)",
      baseline: "",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) arrU.push(ints[(k + j) & MASK]);
          for (let j = 0; j < depth; j++) acc += arrU.pop()!;
        }
        return acc;
      },
    },
    {
      name: "U32Stack",
      baseline: "number[] (ints < 2^20)",
      run(pairs, depth) {
        let acc = 0;
        for (let k = 0; k < pairs; k += depth) {
          for (let j = 0; j < depth; j++) u32.push(ints[(k + j) & MASK]);
          for (let j = 0; j < depth; j++) acc += u32.pop();
        }
        return acc;
      },
    },
  ];
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

let sink = 0;

function bench(depth: number): void {
  const vs = variants();
  const times = new Map<string, number[]>(vs.map((v) => [v.name, []]));
  const pairs = Math.ceil(PAIRS / depth) * depth;
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (let i = 0; i < vs.length; i++) {
      const v = vs[(i + round) % vs.length];
      const t0 = performance.now();
      sink += v.run(pairs, depth);
      const t1 = performance.now();
      if (round >= WARMUP) times.get(v.name)!.push(((t1 - t0) * 1e6) / pairs);
    }
  }
  console.log(`\ndepth ${depth.toLocaleString("en-US")} (${pairs.toExponential(0)} push+pop pairs per round, ${ROUNDS} rounds)`);
  console.log(`  ${"variant".padEnd(24)}${"ns/pair".padStart(9)}   vs baseline (median per-round ratio)`);
  for (const v of vs) {
    const t = times.get(v.name)!;
    let ratio = "";
    if (v.baseline) {
      const b = times.get(v.baseline)!;
      ratio = `${median(t.map((x, i) => x / b[i])).toFixed(2)}x ${v.baseline}`;
    }
    console.log(`  ${v.name.padEnd(24)}${median(t).toFixed(2).padStart(9)}   ${ratio}`);
  }
}

console.log(`adc runtime stacks: node ${process.version}, ${os.cpus()[0]?.model ?? "unknown cpu"}`);
bench(1000);
bench(1_000_000);
console.log(`\n(sink ${sink.toPrecision(6)})`);
