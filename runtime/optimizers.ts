// Optimizers: `opt.step(params, grad)` moves every number of `params` (numbers in records,
// arrays, typed arrays, nested records: the shapes of the gradient contract) against its
// gradient, in place. The update rules are the lectures' (cs231n's notation, dx the gradient):
//
//   SGD       x -= lr * dx
//   Momentum  v = mu * v - lr * dx;  x += v
//   Nesterov  v_prev = v;  v = mu * v - lr * dx;  x += -mu * v_prev + (1 + mu) * v
//   AdaGrad   cache += dx * dx;  x -= lr * dx / (sqrt(cache) + eps)
//   RMSProp   cache = decay * cache + (1 - decay) * dx * dx;  x -= lr * dx / (sqrt(cache) + eps)
//   Adam      m = b1 * m + (1 - b1) * dx;  v = b2 * v + (1 - b2) * dx * dx;
//             x -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)     (t = 1, 2, ...)
//
// L2 weight decay (`weightDecay: lambda`) adds lambda * x to each gradient number before the
// update: the gradient of (lambda / 2) ||x||^2 (for Adam this is L2 regularisation, not AdamW's
// decoupled decay). The learning rate is a number or a schedule of the step (schedules.ts).
//
// How a step runs: on the first step the parameters' numbers are found once (entries.ts) and
// every buffer is allocated: x and dx, one Float64Array each holding all the parameter numbers,
// and the state (velocity, cache, moments), one Float64Array of the same length per kind. A
// step copies the parameters and the gradient into x and dx (TypedArray.set for arrays), runs
// the update as one loop over Float64Arrays, and copies x back. It allocates nothing, and the
// update loop sees one kind of array whatever the parameters' containers are.
import { at, runsOf, type Run } from "./entries.js";
import { Schedule, type LearningRate } from "./schedules.js";
import type { GradientOf } from "./zeros-like.js";

export interface OptimizerOptions {
  /** The learning rate: a number, or a schedule (schedules.ts, or a function `(step) => rate`) asked once per step, step 0 first. */
  lr: LearningRate;
  /** L2 weight decay lambda: lambda * x is added to the gradient of x (default 0). */
  weightDecay?: number;
  /** Which numbers weight decay applies to, by the name of their array or field (`W1`, `W1[0]`, `layer.b`); default all. */
  decays?: (name: string) => boolean;
}

type Numbers = { [i: number]: number; length: number };

/** A run of parameter numbers and its place in the flat buffers. */
interface Slot {
  run: Run;
  /** Where its numbers start in x, dx and the state. */
  offset: number;
  /** Its part of x (a view made once), to copy back into a typed array. */
  view: Float64Array;
  /** Its weight decay. */
  decay: number;
}

export abstract class Optimizer {
  /** Steps taken so far. */
  steps = 0;
  /**
   * The learning rate of the last step (before the first, of the first), kept in a typed array:
   * a number stored into a field whose store site sees several classes would be boxed each step.
   */
  private readonly rates = new Float64Array(1);
  /** All the parameter numbers, in the order of their runs (filled at each step). */
  protected x = new Float64Array(0);
  /** Their gradients, weight decay included (filled at each step). */
  protected dx = new Float64Array(0);
  private readonly rate: LearningRate;
  private readonly weightDecay: number;
  private readonly decays: (name: string) => boolean;
  private slots: Slot[] | undefined;

  constructor(options: OptimizerOptions) {
    this.rate = options.lr;
    this.writeRate(0);
    this.weightDecay = options.weightDecay ?? 0;
    this.decays = options.decays ?? (() => true);
  }

  /**
   * One update of `params` in place from `grad`, a gradient record of the same shape (for a
   * function tagged wrt(p), `grad.p`). The shape must stay the same from step to step.
   */
  step<P extends object>(params: P, grad: GradientOf<P>): void {
    const slots = this.slots ?? this.plan(params);
    if (typeof this.rate !== "number") this.writeRate(this.steps);
    this.steps++;
    this.begin();
    const { x, dx } = this;
    for (let s = 0; s < slots.length; s++) {
      const { run, offset, decay } = slots[s];
      const p = at(params, run.path);
      const g = at(grad, run.path);
      if (g === undefined || p === undefined) throw missing(run, p === undefined ? "parameters" : "gradient");
      if (run.key !== undefined) {
        const d = (g as Record<string, number>)[run.key];
        if (typeof d !== "number") throw missing(run, "gradient");
        x[offset] = (p as Record<string, number>)[run.key];
        dx[offset] = d;
      } else {
        const n = run.length;
        if ((p as Numbers).length !== n || (g as Numbers).length !== n) throw resized(run, (p as Numbers).length, (g as Numbers).length);
        x.set(p as ArrayLike<number>, offset);
        dx.set(g as ArrayLike<number>, offset);
      }
      if (decay !== 0) for (let k = offset, end = offset + run.length; k < end; k++) dx[k] += decay * x[k];
    }
    this.apply(x.length);
    for (let s = 0; s < slots.length; s++) {
      const { run, offset, view } = slots[s];
      const p = at(params, run.path);
      if (run.key !== undefined) (p as Record<string, number>)[run.key] = x[offset];
      else if (Array.isArray(p)) copyBack(p, view);
      else (p as Float64Array | Float32Array).set(view);
    }
  }

  /** The learning rate of the last step (before the first, of the first). */
  get lr(): number {
    return this.rates[0];
  }

  private writeRate(step: number): void {
    const rate = this.rate;
    if (typeof rate === "number") this.rates[0] = rate;
    else if (rate instanceof Schedule) rate.write(step, this.rates);
    else this.rates[0] = rate(step);
  }

  /** Forgets the state (velocities, averages) and the step count; the next step starts afresh. */
  reset(): void {
    this.steps = 0;
    this.slots = undefined;
  }

  /** Updates the n numbers of `this.x` from their gradients `this.dx` at the rate `this.lr`. */
  protected abstract apply(n: number): void;

  /** Allocates the state for n parameter numbers (once, on the first step). */
  protected abstract allocate(n: number): void;

  /** Per-step constants (Adam's bias corrections), before the update; `steps` is already t. */
  protected begin(): void {}

  private plan(params: object): Slot[] {
    const runs = runsOf(params);
    const n = runs.reduce((sum, run) => sum + run.length, 0);
    this.x = new Float64Array(n);
    this.dx = new Float64Array(n);
    let offset = 0;
    const slots = runs.map((run) => {
      const slot = {
        run,
        offset,
        view: this.x.subarray(offset, offset + run.length),
        decay: this.weightDecay !== 0 && this.decays(run.name) ? this.weightDecay : 0,
      };
      offset += run.length;
      return slot;
    });
    this.allocate(n);
    this.slots = slots;
    return slots;
  }
}

/** x's numbers back into a plain array (typed arrays use TypedArray.set). */
function copyBack(a: number[], view: Float64Array): void {
  for (let i = 0; i < view.length; i++) a[i] = view[i];
}

function missing(run: Run, what: string): Error {
  return new Error(
    `adc optimizer: the ${what} has no '${run.name}'; pass the parameters and the part of the gradient record shaped like them (for f tagged wrt(p): opt.step(p, grad.p))`,
  );
}

function resized(run: Run, params: number, grad: number): Error {
  return new Error(
    `adc optimizer: '${run.name}' had ${run.length} numbers at the first step; now the parameters have ${params} and the gradient ${grad} (call reset() after changing the parameters' shape)`,
  );
}

/** Stochastic gradient descent: x -= lr * dx. */
export class SGD extends Optimizer {
  protected apply(n: number): void {
    const { x, dx, lr } = this;
    for (let k = 0; k < n; k++) x[k] -= lr * dx[k];
  }

  protected allocate(): void {}
}

export interface MomentumOptions extends OptimizerOptions {
  /** mu, the fraction of the velocity kept from step to step (default 0.9). */
  momentum?: number;
}

/** Momentum: v = mu * v - lr * dx; x += v. The velocity is an exponentially decaying sum of past steps. */
export class Momentum extends Optimizer {
  /** The velocity v of each parameter number, in the order of the parameters' runs. */
  velocity = new Float64Array(0);
  readonly momentum: number;

  constructor(options: MomentumOptions) {
    super(options);
    this.momentum = options.momentum ?? 0.9;
  }

  protected apply(n: number): void {
    const { x, dx, lr, momentum: mu, velocity } = this;
    for (let k = 0; k < n; k++) {
      const v = mu * velocity[k] - lr * dx[k];
      velocity[k] = v;
      x[k] += v;
    }
  }

  protected allocate(n: number): void {
    this.velocity = new Float64Array(n);
  }
}

/**
 * Nesterov momentum: the gradient step is taken at the point the momentum step leads to, as a
 * correction. In the lectures' form, which keeps x at the looked-ahead point:
 * v_prev = v; v = mu * v - lr * dx; x += -mu * v_prev + (1 + mu) * v.
 */
export class Nesterov extends Optimizer {
  velocity = new Float64Array(0);
  readonly momentum: number;

  constructor(options: MomentumOptions) {
    super(options);
    this.momentum = options.momentum ?? 0.9;
  }

  protected apply(n: number): void {
    const { x, dx, lr, momentum: mu, velocity } = this;
    for (let k = 0; k < n; k++) {
      const prev = velocity[k];
      const v = mu * prev - lr * dx[k];
      velocity[k] = v;
      x[k] += -mu * prev + (1 + mu) * v;
    }
  }

  protected allocate(n: number): void {
    this.velocity = new Float64Array(n);
  }
}

export interface AdaGradOptions extends OptimizerOptions {
  /** Added to the root of the accumulated squares, against division by zero (default 1e-8). */
  eps?: number;
}

/**
 * AdaGrad: cache += dx * dx; x -= lr * dx / (sqrt(cache) + eps). Each number gets its own rate,
 * slower where the gradients have been large, faster where they have been small.
 */
export class AdaGrad extends Optimizer {
  /** The sum of the squared gradients of each parameter number. */
  cache = new Float64Array(0);
  readonly eps: number;

  constructor(options: AdaGradOptions) {
    super(options);
    this.eps = options.eps ?? 1e-8;
  }

  protected apply(n: number): void {
    const { x, dx, lr, eps, cache } = this;
    for (let k = 0; k < n; k++) {
      const g = dx[k];
      const c = cache[k] + g * g;
      cache[k] = c;
      x[k] -= (lr * g) / (Math.sqrt(c) + eps);
    }
  }

  protected allocate(n: number): void {
    this.cache = new Float64Array(n);
  }
}

export interface RMSPropOptions extends AdaGradOptions {
  /** How much of the running average of squares is kept each step (default 0.99). */
  decay?: number;
}

/** RMSProp: AdaGrad with a leaky average, cache = decay * cache + (1 - decay) * dx * dx. */
export class RMSProp extends Optimizer {
  cache = new Float64Array(0);
  readonly eps: number;
  readonly decay: number;

  constructor(options: RMSPropOptions) {
    super(options);
    this.eps = options.eps ?? 1e-8;
    this.decay = options.decay ?? 0.99;
  }

  protected apply(n: number): void {
    const { x, dx, lr, eps, cache, decay } = this;
    for (let k = 0; k < n; k++) {
      const g = dx[k];
      const c = decay * cache[k] + (1 - decay) * g * g;
      cache[k] = c;
      x[k] -= (lr * g) / (Math.sqrt(c) + eps);
    }
  }

  protected allocate(n: number): void {
    this.cache = new Float64Array(n);
  }
}

export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment, the average gradient (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, the average squared gradient (default 0.999). */
  beta2?: number;
  /** Default 1e-8. */
  eps?: number;
}

/**
 * Adam (Kingma & Ba, 2015): momentum on the gradient (m) and RMSProp's scale (v), both
 * corrected for starting at zero: x -= lr * m_hat / (sqrt(v_hat) + eps).
 */
export class Adam extends Optimizer {
  /** First moments m. */
  m = new Float64Array(0);
  /** Second moments v. */
  v = new Float64Array(0);
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private correction1 = 1;
  private correction2 = 1;

  constructor(options: AdamOptions) {
    super(options);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  protected override begin(): void {
    this.correction1 = 1 - Math.pow(this.beta1, this.steps);
    this.correction2 = 1 - Math.pow(this.beta2, this.steps);
  }

  protected apply(n: number): void {
    const { x, dx, lr, eps, beta1, beta2, m, v, correction1, correction2 } = this;
    for (let k = 0; k < n; k++) {
      const g = dx[k];
      const mk = beta1 * m[k] + (1 - beta1) * g;
      const vk = beta2 * v[k] + (1 - beta2) * g * g;
      m[k] = mk;
      v[k] = vk;
      x[k] -= (lr * (mk / correction1)) / (Math.sqrt(vk / correction2) + eps);
    }
  }

  protected allocate(n: number): void {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }
}
