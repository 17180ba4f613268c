// The lectures' sigmoid neuron: f(w, x) = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))).
// `npx adc examples/neuron.ts` writes examples/neuron.grad.ts with neuronGrad and
// neuronGradInto; `npx tsx examples/train-neuron.ts` then fits the neuron with them.

/** @differentiable */
export function neuron(w0: number, w1: number, w2: number, x0: number, x1: number): number {
  return 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
}

/**
 * The squared error of the neuron on one example; only the weights are differentiated,
 * so the example's inputs cost nothing in the reverse sweep.
 * @differentiable wrt(w0, w1, w2)
 */
export function neuronLoss(w0: number, w1: number, w2: number, x0: number, x1: number, target: number): number {
  const p = 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
  return 0.5 * (p - target) ** 2;
}
