/**
 * An end-to-end server script (the argument) run under V8's sampling
 * profiler, for bench/profile_e2e.ts: SIGUSR1 starts a profile, SIGUSR2 ends
 * it and writes its summary as JSON to the file named by PROFILE_OUT.
 *
 * @module
 */
import { type RunningProfile, startProfile } from "../lib/profile.ts";

const [script] = Deno.args;
const out = Deno.env.get("PROFILE_OUT");
if (!script || !out) {
  throw new Error(
    "usage: PROFILE_OUT=<file> deno run -A bench/e2e/profiled.ts <server script>",
  );
}
let running: Promise<RunningProfile> | undefined;
Deno.addSignalListener("SIGUSR1", () => {
  running ??= startProfile(100);
});
Deno.addSignalListener("SIGUSR2", async () => {
  const profile = running;
  running = undefined;
  if (!profile) return;
  const summary = await (await profile).stop(15);
  await Deno.writeTextFile(out, JSON.stringify(summary));
});
await import(new URL(script, `file://${Deno.cwd()}/`).href);
