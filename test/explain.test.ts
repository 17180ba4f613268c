// adc --explain: each statement of the reverse sweep carries a comment naming its chain-rule
// step; the code itself is the default output's, byte for byte (the comments aside).
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../compiler/cli/main.js";
import { compileText } from "../compiler/index.js";
import { FIXTURES, listFixtures } from "./helpers/fixtures.js";

describe("adc --explain", () => {
  it("names the lecture's steps on (x + y) * z: mul switches, add distributes", async () => {
    const fx = listFixtures().find((f) => f.name === "lectures/add-mul-circuit")!;
    const { code } = await compileText(path.join(fx.dir, "input.ts"), fx.source, { explain: true });
    for (const line of [
      "const dout = +seed; // the output's adjoint starts at the seed: d(seed * f)/d(out) = seed",
      "const dq = z * dout; // mul switches: local gradient z, times the upstream dout",
      "const dz = q * dout; // mul switches: local gradient q, times the upstream dout",
      "const dx = dq; // add distributes: local gradient 1, times the upstream dq",
      "const dy = dq; // add distributes: local gradient 1, times the upstream dq",
    ])
      expect(code).toContain(line);
  });

  it("the sigmoid neuron: 1/x, exp, *-1 with their local gradients", async () => {
    const fx = listFixtures().find((f) => f.name === "lectures/sigmoid-neuron")!;
    const { code } = await compileText(path.join(fx.dir, "input.ts"), fx.source, { explain: true });
    expect(code).toContain("const dt7 = -(out * out * dout); // 1/x: local gradient -(out * out), times the upstream dout");
    expect(code).toContain("const dt5 = t6 * dt7; // exp reuses its output: local gradient t6, times the upstream dt7");
    expect(code).toContain("const dt4 = -dt5; // *-1 flips the sign: local gradient -1, times the upstream dt5");
  });

  it("changes nothing but comments, on every fixture", async () => {
    for (const fx of listFixtures().filter((f) => f.kind === "gradient")) {
      const file = path.join(fx.dir, "input.ts");
      const plain = (await compileText(file, fx.source)).code!;
      const explained = (await compileText(file, fx.source, { explain: true })).code!;
      expect(explained.replace(/ \/\/ [^\n]*/g, ""), fx.name).toBe(plain.replace(/ \/\/ [^\n]*/g, ""));
      expect(explained.length, fx.name).toBeGreaterThanOrEqual(plain.length);
    }
  });

  it("is an option of the adc command", async () => {
    const lines: string[] = [];
    const io: Io = { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd: FIXTURES };
    expect(await main(["--explain", "--stdout", "lectures/add-mul-circuit/input.ts"], io)).toBe(0);
    expect(lines.join("\n")).toContain("// mul switches: local gradient z, times the upstream dout");
  });
});
