// Learning-rate schedules: the rate as a function of the step (0 for the first update). An
// optimizer takes one in place of a constant rate (`new Adam({ lr: cosineDecay({ ... }) })`)
// and asks it once per step. `schedule.at(step)` gives the rate; optimizers call `write`,
// which puts it into a Float64Array: a number returned from a call V8 does not inline is
// boxed, one allocation per step, while a number written into a typed array never is. A plain
// function `(step) => rate` works as a schedule too (it may cost that allocation).

export abstract class Schedule {
  private readonly scratch = new Float64Array(1);

  /** Writes the rate at `step` into out[0]. */
  abstract write(step: number, out: Float64Array): void;

  /** The rate at `step`. */
  at(step: number): number {
    this.write(step, this.scratch);
    return this.scratch[0];
  }
}

/** A learning rate: a constant, a schedule, or a function of the step. */
export type LearningRate = number | Schedule | ((step: number) => number);

class StepDecay extends Schedule {
  constructor(
    private readonly initial: number,
    private readonly factor: number,
    private readonly every: number,
  ) {
    super();
  }

  write(step: number, out: Float64Array): void {
    out[0] = this.initial * Math.pow(this.factor, Math.floor(step / this.every));
  }
}

class ExponentialDecay extends Schedule {
  constructor(
    private readonly initial: number,
    private readonly rate: number,
    private readonly every: number,
  ) {
    super();
  }

  write(step: number, out: Float64Array): void {
    out[0] = this.initial * Math.pow(this.rate, step / this.every);
  }
}

class CosineDecay extends Schedule {
  constructor(
    private readonly initial: number,
    private readonly steps: number,
    private readonly final: number,
  ) {
    super();
  }

  write(step: number, out: Float64Array): void {
    const t = Math.min(step, this.steps) / this.steps;
    out[0] = this.final + ((this.initial - this.final) * (1 + Math.cos(Math.PI * t))) / 2;
  }
}

/** `initial`, multiplied by `factor` every `every` steps: a staircase (`factor` 0.5 halves it). */
export function stepDecay(options: { initial: number; factor: number; every: number }): Schedule {
  if (!(options.every > 0)) throw new RangeError("stepDecay: 'every' must be a positive number of steps");
  return new StepDecay(options.initial, options.factor, options.every);
}

/**
 * `initial * rate ^ (step / every)`: smooth exponential decay, by `rate` every `every` steps
 * (`every` defaults to 1: `rate` per step).
 */
export function exponentialDecay(options: { initial: number; rate: number; every?: number }): Schedule {
  const every = options.every ?? 1;
  if (!(every > 0)) throw new RangeError("exponentialDecay: 'every' must be a positive number of steps");
  return new ExponentialDecay(options.initial, options.rate, every);
}

/**
 * Cosine annealing (Loshchilov & Hutter, 2017): from `initial` at step 0 down to `final`
 * (default 0) at step `steps`, along half a cosine: `final + (initial - final) (1 + cos(pi t / steps)) / 2`,
 * then `final`.
 */
export function cosineDecay(options: { initial: number; steps: number; final?: number }): Schedule {
  if (!(options.steps > 0)) throw new RangeError("cosineDecay: 'steps' must be a positive number of steps");
  return new CosineDecay(options.initial, options.steps, options.final ?? 0);
}
