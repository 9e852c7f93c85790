/**
 * Runs a form of the README's first command (`./healthnav dev` or
 * `deno task dev`) as a child process, up to the end of the banner it prints
 * once the stack is up.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The stack a dev command started, and what it printed. */
export interface DevCommand {
  /** Standard output up to the end of the banner's fresh-token line. */
  printed: string;
  /** Stops the stack (SIGTERM, which the command passes on) and waits. */
  stop(): Promise<void>;
}

/** Starts `program args` in `cwd` and waits for its banner. */
export async function startDevCommand(
  program: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<DevCommand> {
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel();
  };
  const decoder = new TextDecoder();
  let printed = "";
  try {
    while (!printed.includes("A fresh token:") || !printed.endsWith("\n")) {
      const { value, done } = await reader.read();
      assert.ok(
        !done,
        `${program} ${args.join(" ")} exited early:\n${printed}`,
      );
      printed += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { printed, stop };
}
