// Numbers as the lectures print them on a graph: integers as they are, others with two
// decimals (0.73, -0.20), very small or large ones with two significant digits; arrays by
// their elements when short, by their shape otherwise. The page prints them the same way
// (it embeds these functions).

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return "0";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1e5) return v.toFixed(2);
  return v.toPrecision(2);
}

/** A value or gradient: a number, or an array or record (`[1, 2, 3]`, or `[2×3]` when long). */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "0";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return String(v);
  const isList = Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array;
  if (isList) {
    const xs = Array.from(v as ArrayLike<unknown>);
    if (xs.length <= 4 && xs.every((x) => typeof x === "number")) return `[${xs.map((x) => formatNumber(x as number)).join(", ")}]`;
    return `[${shapeOf(v).join("×")}]`;
  }
  const fields = Object.entries(v as object);
  return `{${fields.map(([k, x]) => `${k}: ${typeof x === "number" ? formatNumber(x) : `[${shapeOf(x).join("×")}]`}`).join(", ")}}`;
}

/** The sizes of a (nested) array: [2, 3] for a 2×3 matrix. */
export function shapeOf(v: unknown): number[] {
  const isList = Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array;
  if (!isList) return [];
  const xs = v as ArrayLike<unknown>;
  return [xs.length, ...(xs.length ? shapeOf(xs[0]) : [])];
}
