// The source functions of the scalar benchmark (bench/scalar.ts). Each is tagged
// `@differentiable`; the benchmark runs adc on this file at start-up and writes
// bench/functions.grad.ts, so it always measures the current compiler's output.
// The hand-written adjoints of the same functions are in bench/hand.ts.

/** (a) The lectures' sigmoid neuron. @differentiable */
export function neuron(w0: number, w1: number, w2: number, x0: number, x1: number): number {
  return 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
}

/**
 * (b) A 50-operation scalar expression of six inputs: + - * / exp log sin cos tanh sqrt,
 * with intermediate values reused. Operations are numbered in the comments (each binary
 * operator, unary minus and Math call counts one). Numerically tame for any input: every
 * sqrt and log argument is >= 1 and every divisor is >= 1.
 * @differentiable
 */
export function expr50(x: number, y: number, z: number, u: number, v: number, w: number): number {
  const p = x * y; //                         1
  const q = p + z; //                         2
  const s = Math.sin(q); //                   3
  const r = u - v; //                         4
  const r2 = r * r; //                        5
  const g = Math.exp(-r2); //                 6 7
  const h = s * g; //                         8
  const k = Math.tanh(h + w); //              9 10
  const m = x * x + y * y; //                 11 12 13
  const n = Math.sqrt(1 + m); //              14 15
  const l = Math.log(n + z * z); //           16 17 18
  const c1 = Math.cos(u * w); //              19 20
  const d1 = k / n; //                        21
  const e1 = d1 - c1 * l; //                  22 23
  const f1 = e1 * e1; //                      24
  const g1 = Math.exp(-0.5 * f1); //          25 26
  const h1 = g1 * (s + c1); //                27 28
  const i1 = Math.sin(h1 - p); //             29 30
  const j1 = i1 / (2 + Math.cos(v)); //       31 32 33
  const k1 = Math.log(1 + g * g); //          34 35 36
  const l1 = j1 + k1 * k; //                  37 38
  const m1 = Math.sqrt(l1 * l1 + 1); //       39 40 41
  const n1 = Math.tanh(m1 - n); //            42 43
  const o1 = n1 * d1 + h; //                  44 45
  const p1 = o1 / m1; //                      46
  const q1 = Math.cos(p1) * l; //             47 48
  return q1 - e1 + s; //                      49 50
}
