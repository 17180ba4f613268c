// Uses of the API that must NOT type-check, one per line marked `error:` (test/api-types.test.ts
// checks that tsc reports an error on exactly those lines).
import { grad, valueAndGrad } from "../../runtime/api.js";

declare function loss(p: { w: number[] }, x: number): number;

grad((x: number) => String(x)); // error: the result is not a number
valueAndGrad(3); // error: not a function
const wrong: number = grad(loss)({ w: [1] }, 2); // error: the gradient of p is { w: number[] }
grad(loss)({ w: [1] }); // error: a parameter is missing
const [, gx] = valueAndGrad(loss, { wrt: [1] })({ w: [1] }, 2);
const notTuple: number = gx; // error: a tuple of one gradient, not a number
export { wrong, notTuple };
