// Activations the model uses: @differentiable, so that functions in other files that call them
// can be differentiated too (the plugin compiles this file's gradients alongside).

/** log(1 + e^z), without overflow for large z. */
/** @differentiable */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
