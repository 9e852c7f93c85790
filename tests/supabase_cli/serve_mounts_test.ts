/**
 * `supabase functions serve` with the real CLI, against a stand-in of the
 * Docker Engine API: the edge-runtime container it would start mounts every
 * file the functions import or reference (declarations included, as the
 * runtime type-checks local sources), and its functions config carries
 * config.toml's entrypoints and `verify_jwt`.
 *
 * Run: deno test -A tests/supabase_cli/serve_mounts_test.ts
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { type CreatedContainer, startDockerEngine } from "./docker_engine.ts";
import { startManagementApi } from "./management_api.ts";
import { REPO_ROOT, runCli } from "./supabase_cli.ts";
import { functionSettings, moduleGraphFiles, SLUGS } from "./project.ts";

/** The edge-runtime container `functions serve` asks Docker for. */
async function servedContainer(): Promise<CreatedContainer> {
  const docker = startDockerEngine();
  const api = startManagementApi();
  try {
    // serve never returns: it is stopped once Docker has been asked.
    const run = runCli(["functions", "serve"], {
      apiUrl: api.url,
      dockerHost: docker.host,
      timeoutMs: 60_000,
    });
    const container = await Promise.race([
      docker.firstCreated,
      run.then((r) => {
        throw new Error(
          `serve ended before creating a container:\n${r.stderr}`,
        );
      }),
    ]);
    await run.catch(() => {});
    return container;
  } finally {
    await docker.close();
    await api.close();
  }
}

let served: Promise<CreatedContainer> | undefined;
const container = () => served ??= servedContainer();

/** Host paths the container sees, resolved; a bind of a directory covers what is under it. */
function mountedPaths(binds: string[]): string[] {
  return binds.map((bind) => resolve(REPO_ROOT, bind.split(":")[0]));
}

function isMounted(file: string, mounts: string[]): boolean {
  const absolute = resolve(REPO_ROOT, file);
  return mounts.some((mount) =>
    absolute === mount ||
    absolute.startsWith(mount.endsWith("/") ? mount : `${mount}/`)
  );
}

Deno.test("serve: the CLI asks Docker for Supabase's edge runtime", async () => {
  const { image, name, command } = await container();
  assert.match(image, /edge-runtime/);
  assert.match(name, /edge_runtime/);
  assert.match(command.join(" "), /edge-runtime start --main-service/);
});

for (const slug of SLUGS) {
  Deno.test(`serve ${slug}: every file of its module graph is mounted, declarations included`, async () => {
    const { binds } = await container();
    const mounts = mountedPaths(binds);
    const settings = await functionSettings(slug);
    const files = [
      ...await moduleGraphFiles(settings.entrypoint),
      settings.importMap,
    ];
    assert.ok(
      files.some((file) => file.endsWith(".d.ts")),
      "the graph has declarations",
    );
    const missing = files.filter((file) => !isMounted(file, mounts));
    assert.deepEqual(missing, [], `not mounted: ${missing.join(", ")}`);
  });

  Deno.test(`serve ${slug}: the runtime's functions config is config.toml's`, async () => {
    const { env } = await container();
    const raw = env.find((e) =>
      e.startsWith("SUPABASE_INTERNAL_FUNCTIONS_CONFIG=")
    );
    assert.ok(raw, "no functions config in the container's environment");
    const config = JSON.parse(raw.slice(raw.indexOf("=") + 1));
    const settings = await functionSettings(slug);
    const served = config[slug];
    assert.ok(served, `${slug} is not served`);
    assert.equal(served.verifyJWT, settings.verifyJwt);
    assert.equal(served.entrypointPath, settings.entrypoint);
    assert.equal(served.importMapPath, settings.importMap);
  });
}

Deno.test("serve: the functions get Supabase's environment (URL, keys, JWKS)", async () => {
  const { env } = await container();
  const names = env.map((e) => e.slice(0, e.indexOf("=")));
  for (
    const name of [
      "SUPABASE_URL",
      "SUPABASE_ANON_KEY",
      "SUPABASE_SERVICE_ROLE_KEY",
      "SUPABASE_DB_URL",
      "SUPABASE_JWKS",
    ]
  ) {
    assert.ok(names.includes(name), `${name} missing`);
  }
});
