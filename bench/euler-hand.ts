// Hand-written adjoints of `euler` (bench/euler-functions.ts): what an expert writes for a hot
// loop. Same contract as adc's eulerGradInto: returns the value and ADDS d(seed * euler)/d(a, b,
// x0, h) into the caller's record (steps is a count: gradient 0, the record's entry untouched).
//
// Per step k the forward sweep computes x_{k+1} = x_k + h (a g_k - b x_k^2), g_k = g(x_k); the
// reverse sweep, k = n-1 .. 0, with dx the adjoint of x_{k+1}:
//   da += h g_k dx;  db -= h x_k^2 dx;  dh += (a g_k - b x_k^2) dx;
//   dx  = dx (1 + h (a g'(x_k) - 2 b x_k))
// where g' = cos(x) below 1 and c1 (1 - tanh(x - 1)^2) above.
//
// eulerHand ("store"): keeps x_k and g_k per step (16 bytes), nothing else. The branch decision
//   is recomputed from the stored x_k (x_k > 1: no bits needed); above 1, tanh(x_k - 1) is
//   recovered from g_k as (g_k - s1) / c1 (no second tanh); below 1, cos(x_k) is computed in the
//   reverse sweep (the same single cos adc's reverse sweep computes).
// eulerHandRecompute ("recompute"): keeps x_k alone (8 bytes per step); the reverse sweep
//   recomputes g_k and g'(x_k) from it (tanh above 1; sin and cos below).
// eulerHandPlain ("plain"): the straightforward expert adjoint, without the algebraic recovery
//   (which needs the formula of g): keeps x_k and g_k per step, indexed by the step, and on the
//   tanh branch t_k = tanh(x_k - 1) on a third buffer with its own counter (what adc has to do);
//   16 bytes per step plus 8 per step above 1. The reverse sweep recomputes the branch decision
//   from the stored x_k, and uses c1 (1 - t_k^2) above 1 (t_k popped from its buffer) and
//   cos(x_k) below.
//
// Buffers: module-level Float64Arrays, reused from call to call, sized once per call before the
// loop (the trip count is known), doubling when a call needs more; never shrunk.

export interface EulerGradRecord {
  a: number;
  b: number;
  x0: number;
  h: number;
  steps: number;
}

let xs = new Float64Array(1024);
let gs = new Float64Array(1024);
let xsR = new Float64Array(1024);
let xsP = new Float64Array(1024);
let gsP = new Float64Array(1024);
let tsP = new Float64Array(1024);
let plainStored = 0; // doubles the last eulerHandPlain call stored for its reverse sweep

function capacityFor(have: number, need: number): number {
  let c = have;
  while (c < need) c *= 2;
  return c;
}

/** Bytes of buffer contents the reverse sweep of eulerHand reads, for `steps` steps (2 doubles per step). */
export function eulerHandBytes(steps: number): number {
  return Math.max(0, Math.round(steps)) * 2 * 8;
}

/** Bytes of buffer contents the reverse sweep of eulerHandRecompute reads (1 double per step). */
export function eulerHandRecomputeBytes(steps: number): number {
  return Math.max(0, Math.round(steps)) * 8;
}

/**
 * Bytes of buffer contents the reverse sweep of the LAST eulerHandPlain call read: 2 doubles per
 * step plus 1 per step on the tanh branch (branch-dependent, so counted by the call itself).
 */
export function eulerHandPlainBytes(): number {
  return plainStored * 8;
}

export function eulerHand(a: number, b: number, x0: number, h: number, steps: number, grad: EulerGradRecord, seed = 1): number {
  const n = Math.round(steps);
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  if (n > xs.length) {
    const c = capacityFor(xs.length, n);
    xs = new Float64Array(c);
    gs = new Float64Array(c);
  }
  const X = xs;
  const G = gs;
  // forward: the source's expressions in the source's order (bitwise the same value)
  let x = x0;
  for (let i = 0; i < n; i++) {
    const g = x > 1 ? s1 + c1 * Math.tanh(x - 1) : Math.sin(x);
    X[i] = x;
    G[i] = g;
    x = x + h * (a * g - b * x * x);
  }
  // reverse
  const ic1 = 1 / c1;
  let dx = seed;
  let da = 0;
  let db = 0;
  let dh = 0;
  for (let i = n - 1; i >= 0; i--) {
    const xi = X[i];
    const g = G[i];
    const hdx = h * dx;
    const bxx = b * xi * xi;
    da += g * hdx;
    db -= xi * xi * hdx;
    dh += (a * g - bxx) * dx;
    let gp: number;
    if (xi > 1) {
      const t = (g - s1) * ic1; // tanh(xi - 1), recovered from g
      gp = c1 * (1 - t * t);
    } else {
      gp = Math.cos(xi);
    }
    dx += hdx * (a * gp - 2 * b * xi);
  }
  grad.a += da;
  grad.b += db;
  grad.x0 += dx;
  grad.h += dh;
  return x;
}

export function eulerHandRecompute(a: number, b: number, x0: number, h: number, steps: number, grad: EulerGradRecord, seed = 1): number {
  const n = Math.round(steps);
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  if (n > xsR.length) xsR = new Float64Array(capacityFor(xsR.length, n));
  const X = xsR;
  let x = x0;
  for (let i = 0; i < n; i++) {
    const g = x > 1 ? s1 + c1 * Math.tanh(x - 1) : Math.sin(x);
    X[i] = x;
    x = x + h * (a * g - b * x * x);
  }
  let dx = seed;
  let da = 0;
  let db = 0;
  let dh = 0;
  for (let i = n - 1; i >= 0; i--) {
    const xi = X[i];
    let g: number;
    let gp: number;
    if (xi > 1) {
      const t = Math.tanh(xi - 1);
      g = s1 + c1 * t;
      gp = c1 * (1 - t * t);
    } else {
      g = Math.sin(xi);
      gp = Math.cos(xi);
    }
    const hdx = h * dx;
    da += g * hdx;
    db -= xi * xi * hdx;
    dh += (a * g - b * xi * xi) * dx;
    dx += hdx * (a * gp - 2 * b * xi);
  }
  grad.a += da;
  grad.b += db;
  grad.x0 += dx;
  grad.h += dh;
  return x;
}

export function eulerHandPlain(a: number, b: number, x0: number, h: number, steps: number, grad: EulerGradRecord, seed = 1): number {
  const n = Math.round(steps);
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  if (n > xsP.length) {
    const c = capacityFor(xsP.length, n);
    xsP = new Float64Array(c);
    gsP = new Float64Array(c);
    tsP = new Float64Array(c); // at most one tanh per step
  }
  const X = xsP;
  const G = gsP;
  const T = tsP;
  let nt = 0; // tanh values stored (the third buffer's own counter)
  let x = +x0;
  for (let i = 0; i < n; i++) {
    let g: number;
    if (x > 1) {
      const t = Math.tanh(x - 1);
      T[nt++] = t;
      g = s1 + c1 * t;
    } else {
      g = Math.sin(x);
    }
    X[i] = x;
    G[i] = g;
    x = x + h * (a * g - b * x * x);
  }
  plainStored = 2 * n + nt;
  let dx = +seed;
  let da = 0;
  let db = 0;
  let dh = 0;
  for (let i = n - 1; i >= 0; i--) {
    const xi = X[i];
    const g = G[i];
    const hdx = h * dx;
    da += g * hdx;
    db -= xi * xi * hdx;
    dh += (a * g - b * xi * xi) * dx;
    let gp: number;
    if (xi > 1) {
      const t = T[--nt]; // the branch recomputed from x; tanh(xi - 1) as stored
      gp = c1 * (1 - t * t);
    } else {
      gp = Math.cos(xi);
    }
    dx += hdx * (a * gp - 2 * b * xi);
  }
  grad.a += da;
  grad.b += db;
  grad.x0 += dx;
  grad.h += dh;
  return x;
}
