// zerosLike: a gradient record for a value — the same shape, every number 0 — and the type of
// the gradient of a parameter (the same shape, mutable: a readonly array's gradient is written).

/** The gradient of a value of type T: number for number, the same typed array, the same array or record shape. */
export type GradientOf<T> = T extends number
  ? number
  : T extends Float64Array
    ? Float64Array
    : T extends Float32Array
      ? Float32Array
      : { -readonly [K in keyof T]: GradientOf<T[K]> };

/** A new value shaped like `x`, every number 0 (typed arrays stay typed arrays). */
export function zerosLike<T>(x: T): GradientOf<T> {
  return zeros(x) as GradientOf<T>;
}

function zeros(x: unknown): unknown {
  if (typeof x === "number") return 0;
  if (x instanceof Float64Array) return new Float64Array(x.length);
  if (x instanceof Float32Array) return new Float32Array(x.length);
  if (Array.isArray(x)) return x.map(zeros);
  if (typeof x === "object" && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, zeros(v)]));
  throw new Error(`zerosLike: cannot make a gradient for ${String(x)}`);
}
