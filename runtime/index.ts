// adc/runtime: what generated code and training loops need.
export { zeroGrad, type GradientRecord } from "./zero-grad.js";
export { BitStack, F64Stack, U32Stack } from "./stack.js";
export { zerosLike, type GradientOf } from "./zeros-like.js";
export { Reused } from "./reused.js";
export { SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, Optimizer } from "./optimizers.js";
export type { OptimizerOptions, MomentumOptions, AdaGradOptions, RMSPropOptions, AdamOptions } from "./optimizers.js";
export { Schedule, stepDecay, exponentialDecay, cosineDecay, type LearningRate } from "./schedules.js";
export { gradCheck, type GradCheckOptions, type GradCheckReport, type ParamCheck, type EntryCheck } from "./grad-check.js";
export { Rng, xavier, he, zeros } from "./init.js";
export { runsOf, countEntries, type Run } from "./entries.js";
