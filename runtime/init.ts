// Starting points for training: a seeded random source (the same numbers on every run and
// machine), weight matrices drawn for their layer's size (Xavier/Glorot for tanh and sigmoid
// layers, He for ReLU layers), and zero-filled arrays and matrices.

/**
 * A seeded random source (mulberry32: 32 bits of state, fast, good enough for initialisation,
 * shuffling and test points; not for cryptography).
 */
export class Rng {
  private state: number;
  /** The second normal of the last Box-Muller pair, or NaN. */
  private spare = NaN;

  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Normal with the given mean and standard deviation (Box-Muller, both values of a pair used). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** A rows × cols matrix (`number[][]`) of `value`. */
export function zeros(rows: number, cols: number, value?: number): number[][];
/** An array of n zeros (or of `value`). */
export function zeros(n: number): number[];
export function zeros(rows: number, cols?: number, value = 0): number[] | number[][] {
  if (cols === undefined) return new Array<number>(rows).fill(0);
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(value));
}

/**
 * Xavier (Glorot) uniform initialisation of a layer's weights W[out][in]: uniform in ±sqrt(6 /
 * (in + out)), so the variance of the activations and of the gradients stays about the same
 * from layer to layer (Glorot & Bengio, 2010). For tanh and sigmoid layers.
 */
export function xavier(rows: number, cols: number, rng: Rng): number[][] {
  const limit = Math.sqrt(6 / (rows + cols));
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.uniform(-limit, limit)));
}

/**
 * He (Kaiming) normal initialisation of a layer's weights W[out][in]: normal with standard
 * deviation sqrt(2 / in), for ReLU layers, which zero half their inputs (He et al., 2015).
 */
export function he(rows: number, cols: number, rng: Rng): number[][] {
  const std = Math.sqrt(2 / cols);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, std)));
}
