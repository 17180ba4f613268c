// The HTML page of `adc graph … -o page.html`, opened in headless Chromium (Debian's package,
// which .ci/run installs; driven by playwright-core): stepped to the end with key presses, with
// no console errors and the lecture's gradients on screen; an input changed, and the gradient's
// prediction beside the true value. Screenshots go to test/artifacts-graph/ for a person to look at.
// It runs the built `adc` (dist/), as a user does.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(__dirname, "artifacts-graph");
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`graph-html.test.ts: skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

function page(fixture: string, fn: string, at: string, name: string): string {
  const out = path.join(ARTIFACTS, `${name}.html`);
  execFileSync(process.execPath, [
    path.join(root, "bin", "adc.js"),
    "graph",
    path.join(root, "fixtures", fixture, "input.ts"),
    "--fn",
    fn,
    "--at",
    at,
    "-o",
    out,
  ]);
  return out;
}

// in CI, .ci/run installs it: a missing browser there is a failure, not a skip
if (process.env.CI && !haveChromium)
  it("Chromium is installed (.ci/run installs Debian's chromium)", () => {
    expect(fs.existsSync(CHROMIUM)).toBe(true);
  });

describe.skipIf(!haveChromium)("the graph's HTML page in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  afterAll(async () => browser?.close());

  /** Opens a page, collecting its console errors and uncaught exceptions. */
  async function open(file: string): Promise<{ p: Page; errors: string[] }> {
    const p = await browser.newPage({ viewport: { width: 1500, height: 860 } });
    const errors: string[] = [];
    p.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(`file://${file}`);
    return { p, errors };
  }

  /** Presses → until the last step (the button "next" is disabled there); returns how many steps. */
  async function stepToEnd(p: Page): Promise<number> {
    let n = 0;
    while (!(await p.isDisabled("#next"))) {
      await p.keyboard.press("ArrowRight");
      if (++n > 500) throw new Error("the page never reaches its last step");
    }
    return n;
  }

  it("the sigmoid neuron: stepped to the end with the arrow key, the lecture's gradients are on screen", async () => {
    const { p, errors } = await open(page("lectures/sigmoid-neuron", "neuron", "[2,-3,-3,-1,-2]", "neuron"));
    expect(await p.textContent("#grads")).toContain("?"); // nothing computed yet
    // 8 gates forward, the output, the seed, 8 gates backward, the inputs
    const forward = async (k: number) => {
      for (let i = 0; i < k; i++) await p.keyboard.press("ArrowRight");
    };
    await forward(6);
    expect(await p.textContent("#explain")).toContain("t6 = exp(t5)");
    await p.screenshot({ path: path.join(ARTIFACTS, "neuron-forward.png") });
    await forward(7); // the backward pass, at the exp gate: local e^-1 = 0.37 times upstream -0.53
    const explain = await p.textContent("#explain");
    expect(explain).toContain("exp gate: the local gradient is the output itself");
    expect(explain).toMatch(/local gradient ∂t6\/∂t5 = t6 = 0\.37, upstream -0\.53, product 0\.37 × -0\.53 = -0\.20/);
    await p.screenshot({ path: path.join(ARTIFACTS, "neuron-backward-exp.png") });
    expect((await stepToEnd(p)) + 13).toBe(19);
    const grads = (await p.textContent("#grads"))!;
    for (const [name, g] of [
      ["w0", "-0.20"],
      ["w1", "-0.39"],
      ["w2", "0.20"],
      ["x0", "0.39"],
      ["x1", "-0.59"],
    ])
      expect(grads).toContain(`∂neuron/∂${name}${g}`);
    // and on the wires of the picture
    const svgText = (await p.textContent("#graph svg"))!;
    for (const label of ["0.73", "-0.53", "0.37", "-0.20", "0.39", "-0.59"]) expect(svgText).toContain(label);
    await p.screenshot({ path: path.join(ARTIFACTS, "neuron-end.png") });
    // back to the start with Home: the gradients are hidden again
    await p.keyboard.press("Home");
    expect(await p.textContent("#step")).toContain("step 0 of 19");
    expect(errors).toEqual([]);
    await p.close();
  });

  it("(x + y) * z: add 2 to z and f changes by 2 × ∂f/∂z = 6, exactly (f is linear in z)", async () => {
    const { p, errors } = await open(page("lectures/add-mul-circuit", "addMul", '{"x":-2,"y":5,"z":-4}', "add-mul"));
    await p.keyboard.press("End");
    expect(await p.textContent("#grads")).toContain("∂addMul/∂z3");
    await p.fill(".input:nth-child(3) input[type=number]", "-2");
    expect(await p.textContent("#predicted")).toBe("-6");
    expect(await p.textContent("#truth")).toBe("-6");
    // the labels follow: q * z = 3 * -2 = -6 on the output wire
    expect(await p.textContent("#e_result")).toContain("-6");
    await p.screenshot({ path: path.join(ARTIFACTS, "add-mul-z-plus-2.png") });
    // x and z together: the prediction misses by Δx·Δz (the product term the gradient does not see)
    await p.fill(".input:nth-child(1) input[type=number]", "-1");
    expect(await p.textContent("#predicted")).toBe("-10");
    expect(await p.textContent("#truth")).toBe("-8");
    expect(errors).toEqual([]);
    await p.close();
  });

  it("the neuron far from its point: the linear prediction breaks, the page shows by how much", async () => {
    const { p, errors } = await open(page("lectures/sigmoid-neuron", "neuron", "[2,-3,-3,-1,-2]", "neuron-far"));
    await p.keyboard.press("End");
    await p.fill(".input:nth-child(1) input[type=number]", "6"); // w0: 2 -> 6
    const predicted = Number(await p.textContent("#predicted"));
    const truth = Number(await p.textContent("#truth"));
    expect(predicted).toBeCloseTo(0.73 + -0.2 * 4, 1); // about -0.06: below 0, impossible for a sigmoid
    expect(truth).toBeCloseTo(1 / (1 + Math.exp(-(6 * -1 + 6 - 3))), 2);
    expect(await p.textContent("#predict")).toContain("true − predicted");
    await p.screenshot({ path: path.join(ARTIFACTS, "neuron-w0-far.png") });
    expect(errors).toEqual([]);
    await p.close();
  });

  it("a loop folded into one node, and a branch: the page steps through them without errors", async () => {
    for (const [fixture, fn, at, name] of [
      ["arrays/float64-dot", "dot", "[[1,2],[3,4]]", "dot"],
      ["control-flow/max-gate-ternary", "maxCircuit", "[3,-4,2,-1]", "max-ternary"],
      ["lectures/exp-paths", "expPaths", "[-1.2]", "exp-paths"],
    ]) {
      const { p, errors } = await open(page(fixture, fn, at, name));
      await stepToEnd(p);
      expect(await p.textContent("#grads")).not.toContain("?");
      await p.screenshot({ path: path.join(ARTIFACTS, `${name}-end.png`) });
      expect(errors, name).toEqual([]);
      await p.close();
    }
  });
});
