// adc/runtime: what generated code and training loops need.
export { zeroGrad, type GradientRecord } from "./zero-grad.js";
export { BitStack, F64Stack, U32Stack } from "./stack.js";
export { zerosLike, type GradientOf } from "./zeros-like.js";
export { Reused } from "./reused.js";
