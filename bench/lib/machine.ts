/**
 * The machine a run was made on (Linux /proc), and the Deno running it.
 *
 * @module
 */

/** What the report says about the machine. */
export interface Machine {
  cpuModel: string;
  nproc: number;
  memGiB: string;
  os: string;
  deno: string;
  v8: string;
  typescript: string;
}

/** Reads /proc/cpuinfo, /proc/meminfo and Deno.version. */
export async function describeMachine(): Promise<Machine> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const meminfo = await Deno.readTextFile("/proc/meminfo").catch(() => "");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ??
    "unknown CPU";
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? NaN);
  return {
    cpuModel: model,
    nproc: navigator.hardwareConcurrency,
    memGiB: (memKb / 1048576).toFixed(1),
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
}
