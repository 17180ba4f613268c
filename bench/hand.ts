// Hand-written adjoints of the functions in bench/functions.ts: what an expert writes by
// hand for a hot loop. Same contract as adc's fGradInto: one function, returns the value
// and ADDS d(seed * f)/d(inputs) into the caller's record. The forward part evaluates the
// source expression in the same order (so the value is bitwise the forward function's),
// keeps as plain consts only what the backward part reads, and the backward part uses the
// usual algebraic shortcuts (sigma' = s(1 - s), d(x^2) = 2x dx, one division per quotient).

export interface NeuronGradRecord {
  w0: number;
  w1: number;
  w2: number;
  x0: number;
  x1: number;
}

export interface Expr50GradRecord {
  x: number;
  y: number;
  z: number;
  u: number;
  v: number;
  w: number;
}

export function neuronHand(w0: number, w1: number, w2: number, x0: number, x1: number, grad: NeuronGradRecord, seed = 1): number {
  const s = 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
  const dz = seed * s * (1 - s); // d sigma(z)/dz = s (1 - s), z = w0 x0 + w1 x1 + w2
  grad.w0 += x0 * dz;
  grad.w1 += x1 * dz;
  grad.w2 += dz;
  grad.x0 += w0 * dz;
  grad.x1 += w1 * dz;
  return s;
}

export function expr50Hand(x: number, y: number, z: number, u: number, v: number, w: number, grad: Expr50GradRecord, seed = 1): number {
  // forward
  const p = x * y;
  const q = p + z;
  const s = Math.sin(q);
  const r = u - v;
  const g = Math.exp(-(r * r));
  const h = s * g;
  const k = Math.tanh(h + w);
  const n = Math.sqrt(1 + (x * x + y * y));
  const t7 = n + z * z;
  const l = Math.log(t7);
  const uw = u * w;
  const c1 = Math.cos(uw);
  const d1 = k / n;
  const e1 = d1 - c1 * l;
  const g1 = Math.exp(-0.5 * (e1 * e1));
  const t11 = s + c1;
  const t12 = g1 * t11 - p;
  const i1 = Math.sin(t12);
  const t14 = 2 + Math.cos(v);
  const j1 = i1 / t14;
  const t16 = 1 + g * g;
  const k1 = Math.log(t16);
  const l1 = j1 + k1 * k;
  const m1 = Math.sqrt(l1 * l1 + 1);
  const n1 = Math.tanh(m1 - n);
  const p1 = (n1 * d1 + h) / m1;
  const cp1 = Math.cos(p1);
  const out = cp1 * l - e1 + s;

  // backward
  const dp1 = -Math.sin(p1) * l * seed; //      q1 = cos(p1) * l
  let dl = cp1 * seed;
  const do1 = dp1 / m1; //                        p1 = o1 / m1
  let dm1 = -p1 * do1;
  let dh = do1; //                                o1 = n1 * d1 + h
  let dd1 = n1 * do1;
  const dt20 = (1 - n1 * n1) * d1 * do1; //       n1 = tanh(m1 - n)
  dm1 += dt20;
  let dn = -dt20;
  const dl1 = (l1 / m1) * dm1; //                 m1 = sqrt(l1^2 + 1)
  let dk = k1 * dl1; //                           l1 = j1 + k1 * k
  let dg = ((2 * g) / t16) * k * dl1; //          k1 = log(1 + g^2)
  const di1 = dl1 / t14; //                       j1 = i1 / (2 + cos v)
  let dv = Math.sin(v) * j1 * di1;
  const dt12 = Math.cos(t12) * di1; //            i1 = sin(h1 - p)
  let dp = -dt12;
  const dt11 = g1 * dt12; //                      h1 = g1 * (s + c1)
  let ds = seed + dt11;
  let dc1 = dt11;
  const de1 = -seed - e1 * g1 * t11 * dt12; //    out = ... - e1;  g1 = exp(-e1^2 / 2)
  dd1 += de1; //                                  e1 = d1 - c1 * l
  dc1 -= l * de1;
  dl -= c1 * de1;
  const dkn = dd1 / n; //                         d1 = k / n
  dk += dkn;
  dn -= d1 * dkn;
  const duw = -Math.sin(uw) * dc1; //             c1 = cos(u w)
  let du = w * duw;
  let dw = u * duw;
  const dt7 = dl / t7; //                         l = log(n + z^2)
  dn += dt7;
  let dz = 2 * z * dt7;
  const dm = (0.5 / n) * dn; //                   n = sqrt(1 + x^2 + y^2)
  let dx = 2 * x * dm;
  let dy = 2 * y * dm;
  const dhw = (1 - k * k) * dk; //                k = tanh(h + w)
  dh += dhw;
  dw += dhw;
  ds += g * dh; //                                h = s * g
  dg += s * dh;
  const dr = -2 * r * g * dg; //                  g = exp(-(u - v)^2)
  du += dr;
  dv -= dr;
  const dq = Math.cos(q) * ds; //                 s = sin(x y + z)
  dp += dq;
  dz += dq;
  dx += y * dp;
  dy += x * dp;

  grad.x += dx;
  grad.y += dy;
  grad.z += dz;
  grad.u += du;
  grad.v += dv;
  grad.w += dw;
  return out;
}
