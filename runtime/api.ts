// What user code imports from "adc" at run time. Kept free of the compiler, so importing it
// costs nothing.

/**
 * Identity at run time; for adc, a blocked path: no gradient flows through `stopGradient(x)`
 * (JAX's stop_gradient). Import it from "adc" inside a @differentiable function.
 */
export function stopGradient<T>(x: T): T {
  return x;
}
