/**
 * `supabase functions deploy` with the real CLI (npm supabase, pinned),
 * offline and without Docker, against a stand-in of the Management API:
 * what it uploads for each function (slug, entrypoint, import map,
 * `verify_jwt` as in supabase/config.toml, and exactly the files of the
 * function's module graph), and that the uploaded tree alone is complete:
 * Supabase's Deno (2.1.4) type-checks it and serves it.
 *
 * Run: deno test -A tests/supabase_cli/deploy_test.ts
 * (needs HEALTHNAV_DENO_SUPABASE, Deno 2.1.4, as scripts/install_tools.sh sets it)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type ManagementApi,
  startManagementApi,
  type Upload,
} from "./management_api.ts";
import { closedPort, PROJECT_REF, REPO_ROOT, runCli } from "./supabase_cli.ts";
import { functionSettings, moduleGraphFiles, SLUGS } from "./project.ts";
import {
  PATIENT_ID,
  TEST_JWT_SECRET,
  userToken,
} from "../deno/helpers/tokens.ts";

/** Supabase's runtime's Deno, which the uploaded tree must satisfy. */
function supabaseDeno(): string {
  const path = Deno.env.get("HEALTHNAV_DENO_SUPABASE");
  if (!path) {
    throw new Error(
      "HEALTHNAV_DENO_SUPABASE is not set (scripts/install_tools.sh)",
    );
  }
  return path;
}

let deployment: Promise<{ api: ManagementApi; stderr: string }> | undefined;

/** One deploy of all three functions, shared by the tests below. */
function deployAll() {
  deployment ??= (async () => {
    const api = startManagementApi();
    try {
      const run = await runCli(
        ["functions", "deploy", "--project-ref", PROJECT_REF],
        { apiUrl: api.url, dockerHost: closedPort() },
      );
      assert.equal(run.code, 0, run.stderr);
      return { api, stderr: run.stderr };
    } finally {
      await api.close();
    }
  })();
  return deployment;
}

function uploadOf(api: ManagementApi, slug: string): Upload {
  const upload = api.uploads.find((u) => u.slug === slug);
  assert.ok(upload, `no upload for ${slug}`);
  return upload;
}

Deno.test("deploy: without Docker the CLI uploads each function's sources to the Management API", async () => {
  const { api, stderr } = await deployAll();
  assert.match(stderr, /Docker is not running/);
  assert.deepEqual(api.unexpected, []);
  assert.deepEqual(api.uploads.map((u) => u.slug).sort(), [...SLUGS].sort());
  // Three bundles, then one bulk update that makes them live.
  assert.ok(api.uploads.every((u) => u.bundleOnly));
  assert.equal(api.bulkUpdates.length, 1);
  assert.deepEqual(
    (api.bulkUpdates[0] as { slug: string }[]).map((f) => f.slug).sort(),
    [...SLUGS].sort(),
  );
});

for (const slug of SLUGS) {
  Deno.test(`deploy ${slug}: entrypoint, import map and verify_jwt are config.toml's`, async () => {
    const { api } = await deployAll();
    const settings = await functionSettings(slug);
    const { metadata } = uploadOf(api, slug);
    assert.equal(metadata.name, slug);
    assert.equal(metadata.entrypoint_path, settings.entrypoint);
    assert.equal(metadata.import_map_path, settings.importMap);
    assert.equal(metadata.verify_jwt, settings.verifyJwt);
    assert.deepEqual(metadata.static_patterns, []);
  });

  Deno.test(`deploy ${slug}: the files are the module graph's, declarations included`, async () => {
    const { api } = await deployAll();
    const settings = await functionSettings(slug);
    const uploaded = [...uploadOf(api, slug).files.keys()].sort();
    const expected = [
      ...await moduleGraphFiles(settings.entrypoint),
      settings.importMap,
    ].sort();
    assert.deepEqual(uploaded, expected);
    for (const [path, bytes] of uploadOf(api, slug).files) {
      assert.deepEqual(bytes, await Deno.readFile(join(REPO_ROOT, path)), path);
    }
  });

  Deno.test(`deploy ${slug}: the uploaded tree alone type-checks and serves on Deno 2.1.4`, async () => {
    const { api } = await deployAll();
    const tree = await Deno.makeTempDir({ prefix: `healthnav-${slug}-` });
    try {
      for (const [path, bytes] of uploadOf(api, slug).files) {
        await Deno.mkdir(join(tree, path, ".."), { recursive: true });
        await Deno.writeFile(join(tree, path), bytes);
      }
      const { metadata } = uploadOf(api, slug);
      const entrypoint = join(tree, metadata.entrypoint_path);
      const config = join(tree, metadata.import_map_path ?? "");
      const check = await new Deno.Command(supabaseDeno(), {
        args: ["check", "--config", config, entrypoint],
        cwd: tree,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
      await assertServes(tree, config, entrypoint, slug);
    } finally {
      await Deno.remove(tree, { recursive: true });
    }
  });
}

/**
 * `deno serve` of the tree's entrypoint answers a CORS preflight and, for a
 * signed-in caller, a body with a bad field: the function boots, reads its
 * settings, verifies the caller and validates, all from what was uploaded.
 */
async function assertServes(
  tree: string,
  config: string,
  entrypoint: string,
  slug: string,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = new Deno.Command(supabaseDeno(), {
    args: [
      "serve",
      "--config",
      config,
      "--allow-env",
      "--allow-net",
      `--host=127.0.0.1`,
      `--port=${port}`,
      entrypoint,
    ],
    cwd: tree,
    clearEnv: true,
    env: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "not-a-real-secret-access-key",
      // A closed port: nothing may reach SageMaker in this check.
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: "http://127.0.0.1:9",
      LEGACY_JWT_SECRET: TEST_JWT_SECRET,
      CORS_ALLOWED_ORIGINS: "https://app.example",
      // Deno's cache of npm packages (jose), wherever this machine keeps it.
      ...inherited("HOME", "DENO_DIR", "XDG_CACHE_HOME", "DENO_CERT"),
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const url = `http://127.0.0.1:${port}/${slug}`;
    const preflight = await retryUntilListening(() =>
      fetch(url, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example",
          "access-control-request-method": "POST",
        },
      })
    );
    assert.equal(preflight.status, 204);
    assert.equal(
      preflight.headers.get("access-control-allow-origin"),
      "https://app.example",
    );
    await preflight.body?.cancel();
    const token = await userToken(PATIENT_ID, { nowMs: Date.now() });
    const invalid = await fetch(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        symptoms: [],
        image_type: "photo",
        patient_data: 7,
      }),
    });
    assert.equal(invalid.status, 422, await invalid.clone().text());
    const problem = await invalid.json();
    assert.equal(problem.code, "validation_failed");
    assert.ok(problem.errors.length > 0);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel();
  }
}

function inherited(...names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((name) => {
      const value = Deno.env.get(name);
      return value ? [[name, value]] : [];
    }),
  );
}

async function retryUntilListening(
  request: () => Promise<Response>,
): Promise<Response> {
  for (let attempt = 0;; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
