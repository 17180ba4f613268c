// Local arrays of generated functions, reused from call to call. A @differentiable function's
// local array (`const h = new Array(n).fill(0)`) and its adjoint (`dh`) never outlive a call: the
// compiler forbids returning, aliasing or keeping them, and recursion. So the generated code takes
// them from a module-level Reused instead of allocating: the same array comes back, filled anew,
// as long as its size is the same, and once warm a call allocates nothing. A new size allocates
// (the array's length is the user's to read, so it is always exact).

export class Reused {
  private numbers: number[] = [];
  private f64 = new Float64Array(0);
  private f32 = new Float32Array(0);
  private rows: (number[] | Float64Array | Float32Array)[] = [];

  /** `new Array(n).fill(value)`, reused. */
  array(n: number, value: number): number[] {
    let a = this.numbers;
    if (a.length !== n) this.numbers = a = new Array<number>(n);
    return a.fill(value);
  }

  /** `new Float64Array(n)` (filled with `value`), reused. */
  float64(n: number, value: number): Float64Array {
    let a = this.f64;
    if (a.length !== n) this.f64 = a = new Float64Array(n);
    return a.fill(value);
  }

  /** `new Float32Array(n)` (filled with `value`), reused. */
  float32(n: number, value: number): Float32Array {
    let a = this.f32;
    if (a.length !== n) this.f32 = a = new Float32Array(n);
    return a.fill(value);
  }

  /** `Array.from({ length: m }, () => new Array(n).fill(value))`, reused (rows of the given kind). */
  matrix(m: number, n: number, value: number): number[][];
  matrix(m: number, n: number, value: number, kind: "Float64Array"): Float64Array[];
  matrix(m: number, n: number, value: number, kind: "Float32Array"): Float32Array[];
  matrix(m: number, n: number, value: number, kind: "array" | "Float64Array" | "Float32Array" = "array"): unknown[] {
    const make = () => (kind === "array" ? new Array<number>(n) : kind === "Float64Array" ? new Float64Array(n) : new Float32Array(n));
    let rows = this.rows;
    if (rows.length !== m) this.rows = rows = [];
    for (let i = 0; i < m; i++) {
      let row = rows[i];
      const fits = row !== undefined && row.length === n && (kind === "array" ? Array.isArray(row) : row.constructor.name === kind);
      if (!fits) rows[i] = row = make();
      row.fill(value);
    }
    return rows;
  }
}
