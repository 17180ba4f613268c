// The fixture folders: fixtures/<group>/<case>/ with input.ts and either
//   expected.grad.ts + case.json   (a gradient case: snapshot, numbers, domain)
//   expected.errors.txt            (an error case: adc's diagnostics, exactly)
import * as fs from "node:fs";
import * as path from "node:path";

export const FIXTURES = path.join(__dirname, "..", "..", "fixtures");

export interface KnownPoint {
  args: number[];
  value?: number;
  grad?: Record<string, number>;
  /** absolute tolerance (default 1e-3: lecture numbers are printed rounded) */
  tol?: number;
  note?: string;
}

export interface FunctionCase {
  /** [lo, hi] per parameter: where random points are drawn (keep away from kinks and poles). */
  domain: [number, number][];
  known?: KnownPoint[];
  /**
   * Why central differences of the original are not the reference (stopGradient changes the
   * gradient but not the value): the known points are then the independent check.
   */
  notFiniteDifferences?: string;
}

export interface CaseFile {
  about: string;
  functions: Record<string, FunctionCase>;
}

export interface Fixture {
  /** `<group>/<case>` */
  name: string;
  dir: string;
  source: string;
  kind: "gradient" | "error";
  spec?: CaseFile;
}

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const group of fs.readdirSync(FIXTURES).sort()) {
    const groupDir = path.join(FIXTURES, group);
    if (!fs.statSync(groupDir).isDirectory()) continue;
    for (const name of fs.readdirSync(groupDir).sort()) {
      const dir = path.join(groupDir, name);
      const input = path.join(dir, "input.ts");
      if (!fs.existsSync(input)) continue;
      const caseFile = path.join(dir, "case.json");
      const spec = fs.existsSync(caseFile) ? (JSON.parse(fs.readFileSync(caseFile, "utf8")) as CaseFile) : undefined;
      out.push({ name: `${group}/${name}`, dir, source: fs.readFileSync(input, "utf8"), kind: spec ? "gradient" : "error", spec });
    }
  }
  return out;
}
