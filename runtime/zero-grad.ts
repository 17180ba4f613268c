// zeroGrad: resets a gradient record in place before the next batch (fGradInto adds into it).

/** Any shape the gradient contract allows: numbers, arrays, typed arrays, records of these. */
export type GradientRecord = number | Float64Array | Float32Array | readonly GradientRecord[] | { [key: string]: GradientRecord };

/** Sets every number of `grad` to 0, in place, keeping its shape and its arrays. */
export function zeroGrad<T extends { [key: string]: GradientRecord }>(grad: T): T {
  for (const key of Object.keys(grad)) {
    const v = grad[key];
    if (typeof v === "number") (grad as Record<string, GradientRecord>)[key] = 0;
    else zeroInside(v);
  }
  return grad;
}

function zeroInside(v: GradientRecord): void {
  if (v instanceof Float64Array || v instanceof Float32Array) {
    v.fill(0);
  } else if (Array.isArray(v)) {
    const a = v as GradientRecord[];
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] === "number") a[i] = 0;
      else zeroInside(a[i]);
    }
  } else if (typeof v === "object" && v !== null) {
    zeroGrad(v as { [key: string]: GradientRecord });
  }
}
