// What user code imports from "adc" at run time. Kept free of the compiler, so importing it
// costs nothing.
//
// grad, valueAndGrad and vjp are exactly typed, and compiled away by the build plugin
// (`{ "transform": "adc/plugin" }`, built with tspc from ts-patch): each call becomes the
// generated gradient of its function. Called without the plugin they throw, saying so.
import type { GradientOf } from "./zeros-like.js";

export type { GradientOf } from "./zeros-like.js";

/** A function adc can differentiate: numbers, arrays and records in, a number out. */
export type Differentiable = (...args: never[]) => number;

/** Which parameters to differentiate, by position (JAX's argnums): `{ wrt: [0, 2] }`. */
export interface GradOptions<W extends readonly number[]> {
  wrt: W;
}

/** The gradients of the parameters at the positions W, as a tuple. */
export type GradientsAt<F extends Differentiable, W extends readonly number[]> = {
  -readonly [K in keyof W]: GradientOf<Parameters<F>[W[K]]>;
};

/**
 * `grad(f)`: a function with f's parameters returning the gradient of f with respect to its
 * FIRST parameter (shaped like it). `grad(f, { wrt: [0, 2] })`: a tuple of the gradients of
 * those parameters.
 */
export function grad<F extends Differentiable>(f: F): (...args: Parameters<F>) => GradientOf<Parameters<F>[0]>;
export function grad<F extends Differentiable, const W extends readonly number[]>(
  f: F,
  options: GradOptions<W>,
): (...args: Parameters<F>) => GradientsAt<F, W>;
export function grad(f: Differentiable): never {
  return notCompiled("grad", f);
}

/** `valueAndGrad(f)`: `[f(...args), gradient]`, with the same `wrt` rules as grad. */
export function valueAndGrad<F extends Differentiable>(
  f: F,
): (...args: Parameters<F>) => [value: number, gradient: GradientOf<Parameters<F>[0]>];
export function valueAndGrad<F extends Differentiable, const W extends readonly number[]>(
  f: F,
  options: GradOptions<W>,
): (...args: Parameters<F>) => [value: number, gradients: GradientsAt<F, W>];
export function valueAndGrad(f: Differentiable): never {
  return notCompiled("valueAndGrad", f);
}

/**
 * `vjp(f)`: at a point, f's value and its pullback: `pullback(seed)` is seed times the gradient
 * with respect to f's first parameter (JAX's vjp for a function with a number result).
 */
export function vjp<F extends Differentiable>(
  f: F,
): (...args: Parameters<F>) => [value: number, pullback: (seed: number) => GradientOf<Parameters<F>[0]>] {
  return notCompiled("vjp", f);
}

/**
 * Identity at run time; for adc, a blocked path: no gradient flows through `stopGradient(x)`
 * (JAX's stop_gradient). Import it from "adc" inside a @differentiable function.
 */
export function stopGradient<T>(x: T): T {
  return x;
}

function notCompiled(api: string, f: unknown): never {
  const name = typeof f === "function" && f.name ? f.name : "f";
  throw new Error(
    `adc: ${api}(${name}) was not compiled. ${api} is replaced at build time by adc's TypeScript plugin: add { "transform": "adc/plugin" } to compilerOptions.plugins in tsconfig.json and build with tspc (from ts-patch: npx tspc -p .). Tools that do not run TypeScript transformers (tsx, vitest, esbuild) cannot compile it; use the adc command's generated .grad.ts files there (npx adc file.ts).`,
  );
}
