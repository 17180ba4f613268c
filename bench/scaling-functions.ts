// The workload of the scaling benchmark (`npm run bench:scaling`, bench/scaling.ts), compiled by
// adc at bench start-up into bench/scaling-functions.grad.ts.
//
// A tanh MLP with any number of hidden layers of one width, a linear output layer and
// L = 0.5 * ||t - y||^2, parameters in one record, differentiated only in it (x, t are data):
//   h = tanh(W0 x + b0); h = tanh(W[l] h + b[l]) for l = 0 .. W.length - 1; y = V h + c.
// The first layer has its own matrix (its fan-in is the input's size); the hidden-to-hidden
// layers are one 3-D array W (layer, unit, input) and one 2-D array b. Written as a user would:
// sums in a local, activations in local arrays; a layer writes g, then g is copied into h (adc
// does not rebind arrays, so the activations live in two arrays for the whole call).

interface DeepMLP {
  W0: number[][];
  b0: number[];
  W: number[][][];
  b: number[][];
  V: number[][];
  c: number[];
}

/** @differentiable wrt(p) */
export function deepLoss(p: DeepMLP, x: number[], t: number[]): number {
  const H = p.b0.length;
  const O = p.c.length;
  const h = new Array(H).fill(0);
  const g = new Array(H).fill(0);
  for (let j = 0; j < H; j++) {
    let z = p.b0[j];
    for (let k = 0; k < x.length; k++) z += p.W0[j][k] * x[k];
    h[j] = Math.tanh(z);
  }
  for (let l = 0; l < p.W.length; l++) {
    for (let j = 0; j < H; j++) {
      let z = p.b[l][j];
      for (let k = 0; k < H; k++) z += p.W[l][j][k] * h[k];
      g[j] = Math.tanh(z);
    }
    for (let j = 0; j < H; j++) h[j] = g[j];
  }
  let L = 0;
  for (let o = 0; o < O; o++) {
    let y = p.c[o];
    for (let j = 0; j < H; j++) y += p.V[o][j] * h[j];
    const e = t[o] - y;
    L += 0.5 * e * e;
  }
  return L;
}
