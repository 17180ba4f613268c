// What every benchmark here shares: variants timed round by round in one process, the order
// rotating from round to round so that each variant sees the same machine state, and the
// summaries (medians and quantiles) the reports print.

/**
 * Runs `time(k)` (ns per call for variant k, one batch) for every variant in every round,
 * starting each round one variant later; the first `warmup` rounds are not kept.
 */
export function interleave<K extends string>(
  order: readonly K[],
  time: (k: K) => number,
  rounds: number,
  warmup: number,
): Record<K, number[]> {
  const perCall = Object.fromEntries(order.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = -warmup; r < rounds; r++) {
    const start = ((r % order.length) + order.length) % order.length;
    for (let j = 0; j < order.length; j++) {
      const k = order[(start + j) % order.length];
      const ns = time(k);
      if (r >= 0) perCall[k].push(ns);
    }
  }
  return perCall;
}

export function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (xs: number[]) => quantile(xs, 0.5);
