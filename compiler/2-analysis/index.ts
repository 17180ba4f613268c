// The analyses, run in order on one function.
import type { Func, Op, ValueId } from "../ir/types.js";
import { activity, type Activity } from "./activity.js";
import { liveOps } from "./liveness.js";
import { toRecord } from "./to-record.js";

export interface Analysed {
  func: Func;
  activity: Activity;
  /** Forward values the reverse sweep reads. */
  record: Set<ValueId>;
  /** Per operation (by its result): the forward values its adjoint reads. */
  reads: Map<ValueId, ValueId[]>;
  /** The forward sweep: operations whose values are needed, in order. */
  forward: Op[];
}

export function analyse(func: Func): Analysed {
  const act = activity(func);
  const { record, reads } = toRecord(func, act.active);
  return { func, activity: act, record, reads, forward: liveOps(func, record) };
}
