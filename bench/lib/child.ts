/**
 * Child `deno run` processes that print `ready <url>` on stderr once they
 * listen: start, wait for the line, read their resident size, stop.
 *
 * @module
 */

/** A running child server. */
export interface ChildServer {
  url: string;
  pid: number;
  /** VmRSS from /proc/<pid>/status, bytes. */
  rssBytes(): Promise<number>;
  /** User + system CPU the process has used so far, µs (/proc/<pid>/stat). */
  cpuUs(): Promise<number>;
  /** The same for its main thread alone: JS and the event loop (/proc/<pid>/task/<pid>/stat). */
  mainThreadCpuUs(): Promise<number>;
  /** Sends SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** What it printed on stderr besides the ready line (last 4 KB). */
  stderrTail(): string;
}

/** Starts `deno run <args>` from `cwd` and waits up to `timeoutMs` for its ready line. */
export async function startChild(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<ChildServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let tail = "";
  let resolveReady: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (resolveReady = resolve));
  const exited = child.status;
  // Keep draining stderr for the child's whole life, so it never blocks on a full pipe.
  (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stderr) {
      pending += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const match = /^ready (\S+)$/.exec(line);
        if (match) resolveReady(match[1]);
        else tail = (tail + line + "\n").slice(-4096);
      }
    }
  })().catch(() => {});

  let timer: ReturnType<typeof setTimeout> | undefined;
  const url = await Promise.race([
    ready,
    exited.then((status) => {
      throw new Error(
        `deno run ${
          args.join(" ")
        } exited (${status.code}) before it was ready:\n${tail}`,
      );
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `deno run ${args.join(" ")} was not ready in time:\n${tail}`,
            ),
          ),
        options.timeoutMs ?? 30_000,
      );
    }),
  ]).catch(async (error) => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await exited;
    throw error;
  }).finally(() => clearTimeout(timer));

  let stopped: Promise<void> | undefined;
  return {
    url,
    pid: child.pid,
    rssBytes: () => rssBytes(child.pid),
    cpuUs: () => cpuUs(child.pid),
    mainThreadCpuUs: () => cpuUs(child.pid, child.pid),
    stderrTail: () => tail,
    stop() {
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const killer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }, 5_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopped;
    },
  };
}

/** Resident set size of a process, bytes (Linux /proc). */
export async function rssBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/**
 * User + system CPU time of a process so far, µs (Linux /proc); of one of its
 * threads when `thread` is given (the main thread's id is the process id).
 */
export async function cpuUs(pid: number, thread?: number): Promise<number> {
  const path = thread === undefined
    ? `/proc/${pid}/stat`
    : `/proc/${pid}/task/${thread}/stat`;
  const stat = await Deno.readTextFile(path);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / USER_HZ;
}
