// The workload of the ||W x||^2 benchmark (`npx tsx bench/normwx.ts`), compiled by adc at bench
// start-up into bench/normwx-functions.grad.ts.
//
// normWx is the function of fixtures/arrays/norm-wx/input.ts, copied verbatim: W a matrix as an
// array of rows, x a vector, q_i = sum_j W[i][j] x[j] accumulated in a scalar, s = sum_i q_i^2.
// normWxFlat is the same function on a flat row-major Float64Array W (W[i * n + j]) and a
// Float64Array x; n is a parameter used only as a size (its gradient is 0).

/** @differentiable */
export function normWx(W: number[][], x: number[]): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) {
    let q = 0;
    for (let j = 0; j < x.length; j++) q += W[i][j] * x[j];
    s += q * q;
  }
  return s;
}

/** @differentiable */
export function normWxFlat(W: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += W[i * n + j] * x[j];
    s += q * q;
  }
  return s;
}
