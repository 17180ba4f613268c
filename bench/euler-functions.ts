// The workload of the Euler benchmark (`npx tsx bench/euler.ts`), compiled by adc at bench
// start-up into bench/euler-functions.grad.ts. The function is the one of the fixture
// fixtures/control-flow/euler-integration/input.ts, copied verbatim.
//
// Explicit Euler for x' = a g(x) - b x^2 over `steps` steps (a count: gradient 0), branching in the
// loop: g = sin(x) up to 1, above 1 a saturating continuation with the same value and slope at 1.

/** @differentiable */
export function euler(a: number, b: number, x0: number, h: number, steps: number): number {
  const n = Math.round(steps);
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  let x = x0;
  for (let i = 0; i < n; i++) {
    let g = 0;
    if (x > 1) {
      g = s1 + c1 * Math.tanh(x - 1);
    } else {
      g = Math.sin(x);
    }
    x = x + h * (a * g - b * x * x);
  }
  return x;
}
