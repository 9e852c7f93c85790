/**
 * Runs the real Supabase CLI (npm `supabase`, pinned in
 * scripts/install_tools.sh) from the repository root, offline: a `--profile`
 * file points its Management API at a local stand-in, a dummy access token
 * logs it in, and DOCKER_HOST says where (or whether) Docker is.
 *
 * @module
 */

/** The CLI's path: HEALTHNAV_SUPABASE_CLI, else where install_tools.sh puts it. */
export function supabaseCli(): string {
  const configured = Deno.env.get("HEALTHNAV_SUPABASE_CLI");
  if (configured) return configured;
  const home = Deno.env.get("HOME") ?? "";
  return `${home}/.cache/healthnav-tools/supabase-cli/node_modules/.bin/supabase`;
}

/** The repository root, where supabase/config.toml is found. */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** A project ref: 20 lower-case letters, as the CLI checks. */
export const PROJECT_REF = "healthnavlocaltestrf";

/** What one CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** The Management API stand-in's URL. */
  apiUrl: string;
  /** Docker's address: a closed port means "Docker is not running". */
  dockerHost: string;
  /** Ends the run after this long (the serve command does not return). */
  timeoutMs?: number;
}

/** Runs `supabase <args>` in the repository. */
export async function runCli(
  args: string[],
  options: CliOptions,
): Promise<CliRun> {
  const profileDir = await Deno.makeTempDir({ prefix: "healthnav-cli-" });
  const profile = `${profileDir}/profile.json`;
  await Deno.writeTextFile(
    profile,
    JSON.stringify({
      name: "healthnav-local-stand-in",
      api_url: options.apiUrl,
      dashboard_url: `${options.apiUrl}/dashboard`,
      project_host: "supabase.local",
    }),
  );
  const controller = new AbortController();
  const timer = options.timeoutMs
    ? setTimeout(() => controller.abort(), options.timeoutMs)
    : undefined;
  try {
    const output = await new Deno.Command(supabaseCli(), {
      args: ["--profile", profile, ...args],
      cwd: REPO_ROOT,
      env: {
        // A well-formed, meaningless token: the stand-in checks none.
        SUPABASE_ACCESS_TOKEN: `sbp_${"0".repeat(40)}`,
        DOCKER_HOST: options.dockerHost,
        // No telemetry, no update checks, no colours.
        DO_NOT_TRACK: "1",
        SUPABASE_TELEMETRY_DISABLED: "1",
        NO_COLOR: "1",
      },
      stdout: "piped",
      stderr: "piped",
      signal: controller.signal,
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      code: output.code,
      stdout: decode(output.stdout),
      stderr: decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
    await Deno.remove(profileDir, { recursive: true });
  }
}

/** `tcp://127.0.0.1:<port>` of a port nothing listens on. */
export function closedPort(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}
