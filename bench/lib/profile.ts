/**
 * Where a call spends its time: V8's sampling CPU profiler (node:inspector,
 * in-process) over a loop of the call, self time grouped into wasm, the
 * wasm-bindgen glue (pkg/*.js and its snippets in pkg/snippets/, including
 * the imports wasm calls back into),
 * Deno's built-ins, GC and the rest.
 *
 * @module
 */
import { Session } from "node:inspector";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self-time shares of one profiled call. */
export interface ProfileSummary {
  /** Category → share of sampled time, 0..1. */
  shares: Record<string, number>;
  /** The heaviest functions by self time. */
  top: { name: string; share: number }[];
  samples: number;
  /** Sampled time that was neither idle nor the profiler's, µs. */
  busyUs: number;
}

/** Categories in display order. */
export const CATEGORIES = [
  "wasm",
  "pkg glue JS",
  "wasm/JS boundary",
  "Deno built-ins",
  "garbage collector",
  "other",
] as const;

function category(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url.startsWith("wasm://") || functionName.startsWith("wasm-function")) {
    return "wasm";
  }
  if (functionName === "wasm-to-js" || functionName === "js-to-wasm") {
    return "wasm/JS boundary";
  }
  if (/\/pkg\/(snippets\/.+\/)?[^/]+\.js$/.test(url)) return "pkg glue JS";
  if (functionName === "(garbage collector)") return "garbage collector";
  if (
    url.startsWith("ext:") || url.startsWith("node:") ||
    functionName.startsWith("op_")
  ) {
    return "Deno built-ins";
  }
  return "other";
}

/** Profiles `run` called in a loop for about `durationMs`. */
export async function profileCall(
  run: () => unknown,
  durationMs: number,
): Promise<ProfileSummary> {
  const profile = await startProfile(50);
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) run();
  }
  return await profile.stop();
}

/** A profile of this process in progress. */
export interface RunningProfile {
  /** Ends it: the `top` heaviest functions and the category shares. */
  stop(top?: number): Promise<ProfileSummary>;
}

/** Starts sampling this process every `intervalUs` µs. */
export async function startProfile(
  intervalUs: number,
): Promise<RunningProfile> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(
        method,
        params,
        (error: Error | null, result: unknown) =>
          error ? reject(error) : resolve(result as T),
      )
    );
  try {
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: intervalUs });
    await post("Profiler.start");
  } catch (error) {
    session.disconnect();
    throw error;
  }
  return {
    async stop(top = 8) {
      try {
        const { profile } = await post<{ profile: CpuProfile }>(
          "Profiler.stop",
        );
        return summarize(profile, top);
      } finally {
        session.disconnect();
      }
    },
  };
}

function summarize(profile: CpuProfile, topCount: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perCategory = new Map<string, number>();
  const perFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const frame = node.callFrame;
    // Idle time and the profiler's own work are not the call's: the
    // inspector session also makes Deno report every fetch to it.
    if (
      frame.functionName === "(idle)" || frame.functionName === "(program)" ||
      frame.url.endsWith("inspector.js") ||
      frame.url.endsWith("inspector_network_bridge.js") ||
      frame.functionName === "op_inspector_emit_protocol_event"
    ) {
      return;
    }
    const cat = category(frame);
    perCategory.set(cat, (perCategory.get(cat) ?? 0) + delta);
    const file = frame.url.split("/").pop() || frame.url;
    const name = file && cat !== "wasm"
      ? `${frame.functionName || "(anonymous)"} (${file})`
      : frame.functionName || "(anonymous)";
    perFunction.set(name, (perFunction.get(name) ?? 0) + delta);
    total += delta;
  });
  const shares: Record<string, number> = {};
  for (const cat of CATEGORIES) {
    shares[cat] = (perCategory.get(cat) ?? 0) / total;
  }
  const top = [...perFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([name, time]) => ({ name, share: time / total }));
  return { shares, top, samples: profile.samples.length, busyUs: total };
}
