// Uses of the API that must type-check (test/api-types.test.ts compiles this file).
import { grad, valueAndGrad, vjp } from "../../runtime/api.js";

interface Params {
  W: number[][];
  b: readonly number[];
  s: number;
}

declare function loss(p: Params, x: Float64Array, k: number): number;
declare const p: Params;
declare const x: Float64Array;

const g: { W: number[][]; b: number[]; s: number } = grad(loss)(p, x, 2);
g.b[0] = 1; // a readonly parameter's gradient is writable
const [value, [gp, gk]] = valueAndGrad(loss, { wrt: [0, 2] })(p, x, 2);
const k: number = gk;
const v: number = value;
const [, pullback] = vjp(loss)(p, x, 2);
const seeded: Params = pullback(0.5);
const gx: Float64Array = grad(loss, { wrt: [1] })(p, x, 2)[0];
export { g, gp, k, v, seeded, gx };
