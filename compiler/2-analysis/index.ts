// The analyses, run in order on one function. (Liveness of the forward sweep runs after the
// reverse transformation, when it is known which branch decisions and trip counts it replays.)
import type { Func } from "../ir/types.js";
import { activity, type Activity } from "./activity.js";
import { toRecord, type Recorded } from "./to-record.js";

export interface Analysed {
  func: Func;
  activity: Activity;
  recorded: Recorded;
  /** Forward values the reverse sweep reads (as far as the rules tell). */
  record: Set<number>;
  /** Per operation (by its result): the forward values its adjoint reads. */
  reads: Map<number, number[]>;
}

export function analyse(func: Func): Analysed {
  const act = activity(func);
  const recorded = toRecord(func, act.active);
  return { func, activity: act, recorded, record: recorded.record, reads: recorded.reads };
}
