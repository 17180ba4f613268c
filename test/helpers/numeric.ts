// Independent checks of a gradient: central finite differences of the original function,
// a seeded random source, and a closeness test with the contract's tolerances.

/** d f / d args[i] by central differences, step scaled to the argument. */
export function centralDifference(
  f: (...args: number[]) => number,
  args: number[],
  i: number,
  h = 1e-6 * Math.max(1, Math.abs(args[i])),
): number {
  const plus = [...args];
  const minus = [...args];
  plus[i] += h;
  minus[i] -= h;
  return (f(...plus) - f(...minus)) / (plus[i] - minus[i]);
}

/** |a - b| <= abs + rel * max(|a|, |b|), the acceptance check's form. */
export function close(a: number, b: number, abs = 1e-5, rel = 1e-4): boolean {
  if (Object.is(a, b)) return true;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

/** mulberry32: small, seeded, good enough to pick test points reproducibly. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(next: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * next();
}
