// Keeps the README true: code it quotes from generated files must be what adc generates
// (each block after a `<!-- readme-check: <fixture> <function> -->` marker), and the files
// its first commands name must exist.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

describe("README.md", () => {
  const quoted = [...readme.matchAll(/<!-- readme-check: (\S+) (\S+) -->\n```ts\n([\s\S]*?)```/g)];

  it("quotes at least one generated function", () => {
    expect(quoted.length).toBeGreaterThan(0);
  });

  it.each(quoted.map((m) => [m[2], m[1], m[3]]))("quotes %s as adc generates it (%s)", (fn, fixture, block) => {
    const generated = fs.readFileSync(path.join(root, fixture, "expected.grad.ts"), "utf8");
    const start = generated.indexOf(`export function ${fn}(`);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = generated.indexOf("\n}\n", start) + 3;
    expect(block).toBe(generated.slice(start, end));
  });

  it("opens with the two commands, and the files they name exist", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock).toContain("npm ci && npx adc examples/neuron.ts");
    expect(firstBlock).toContain("npm test");
    expect(fs.existsSync(path.join(root, "examples", "neuron.ts"))).toBe(true);
    expect(fs.readFileSync(path.join(root, ".ci", "run"), "utf8")).toContain("npm test");
  });
});
