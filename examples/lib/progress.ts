// Training a person can watch: a line every few epochs (loss, accuracies, time), a progress bar
// in between when the output is a terminal, the step budget from the command line
// (`--epochs N`), and the pictures written to examples/out/.
import * as fs from "node:fs";
import * as path from "node:path";

/** `--epochs N` from the command line, or the example's own number. */
export function epochsFromArgs(fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === "--epochs" || a.startsWith("--epochs="));
  if (i < 0) return fallback;
  const text = argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--epochs wants a positive whole number, not '${text}'`);
  return n;
}

export type Fields = Record<string, number | string>;

/** Prints `epoch  120/1200  loss 0.3412  train 95.0%  ...  0.21 ms/epoch` every `every` epochs (and the first and last). */
export class Progress {
  private readonly start = performance.now();
  private readonly tty = process.stdout.isTTY === true;
  private lastBar = 0;

  constructor(
    private readonly name: string,
    private readonly epochs: number,
    private readonly lines = 10,
  ) {}

  /** After each epoch: `fields` may be a function, called only when a line is printed (accuracies cost a pass over the data). */
  epoch(epoch: number, fields: Fields | (() => Fields)): void {
    const every = Math.max(1, Math.round(this.epochs / this.lines));
    const elapsed = performance.now() - this.start;
    if (epoch === 1 || epoch % every === 0 || epoch === this.epochs) {
      const f = typeof fields === "function" ? fields() : fields;
      const width = String(this.epochs).length;
      const parts = Object.entries(f).map(([k, v]) => `${k} ${typeof v === "number" ? format(v) : v}`);
      this.clearBar();
      console.log(
        `${this.name}  epoch ${String(epoch).padStart(width)}/${this.epochs}  ${parts.join("  ")}  ${(elapsed / epoch).toFixed(2)} ms/epoch`,
      );
    } else if (this.tty && elapsed - this.lastBar > 100) {
      // between lines, a bar that redraws itself (terminals only)
      this.lastBar = elapsed;
      const done = epoch / this.epochs;
      const bar = "#".repeat(Math.round(done * 30)).padEnd(30, ".");
      process.stdout.write(`\r${this.name}  [${bar}] ${(done * 100).toFixed(0)}%`);
    }
  }

  /** Milliseconds since the start. */
  get ms(): number {
    return performance.now() - this.start;
  }

  private clearBar(): void {
    if (this.tty) process.stdout.write("\r\x1b[K");
  }
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(5);
}

/** A fraction as a percentage: `96.7%`. */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}

/** Writes `examples/out/<name>` (the folder beside this one's parent) and says where. */
export function writeOut(name: string, text: string): string {
  const dir = path.join(__dirname, "..", "out");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const shown = path.relative(process.cwd(), file) || file;
  console.log(`wrote ${shown}`);
  return file;
}
