// `adc graph`: not written yet (a placeholder that says so).
import type { Io } from "./main.js";

export async function run(_argv: string[], io: Io): Promise<number> {
  io.err("adc graph: not available yet");
  return 2;
}
