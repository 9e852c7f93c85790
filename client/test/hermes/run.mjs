// Runs the client where a React Native release runs it: the committed bundle
// (client/dist) is lowered by Babel with React Native's preset, compiled by
// hermesc from `hermes-compiler` (the compiler React Native's release builds
// use), and executed as bytecode in the Hermes VM of `hermes-engine-cli`
// (0.12: older than the app's engine, so its own hermesc makes the bytecode
// it reads), with the scenarios of scenarios.js against a stub transport and
// React Native-like timers (timers_prelude.js: the bare VM's do not wait).
//
// Before running, the bundle's free globals are read statically and checked
// against the APIs Hermes lacks; in the VM, scenarios.js asserts that those
// APIs are absent there and that every global the bundle reads exists.
// A canary run (a script that uses `new URL`) must fail, or the harness
// could not notice a client that does.
//
// Run: node client/test/hermes/run.mjs (after client/tools is installed).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const tools = createRequire(here("../../tools/package.json"));
const babel = tools("@babel/core");
const bin = (path) => here(`../../tools/node_modules/${path}`);
const RELEASE_HERMESC = bin("hermes-compiler/hermesc/linux64-bin/hermesc");
const VM_HERMESC = bin("hermes-engine-cli/linux64-bin/hermesc");
const VM = bin("hermes-engine-cli/linux64-bin/hermes");

/** Globals a client for React Native must not read (bare Hermes has none of them). */
const FORBIDDEN_GLOBALS = [
  "fetch",
  "TextEncoder",
  "TextDecoder",
  "WebAssembly",
  "URL",
  "URLSearchParams",
  "atob",
  "btoa",
  "structuredClone",
  "Intl",
  "Headers",
  "Request",
  "Response",
  "AbortController",
  "crypto",
  "Buffer",
  "process",
  "Deno",
  "window",
  "document",
  "navigator",
  "XMLHttpRequest",
];

/** The identifiers `code` reads without declaring them. */
function freeGlobals(code) {
  const ast = babel.parseSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: "module",
  });
  let globals = [];
  babel.traverse(ast, {
    Program(path) {
      globals = Object.keys(path.scope.globals).sort();
    },
  });
  return globals;
}

/** What a React Native build does to the code before hermesc. */
function lower(code, sourceType) {
  return babel.transformSync(code, {
    babelrc: false,
    configFile: false,
    sourceType,
    presets: [[tools.resolve("@react-native/babel-preset"), {
      enableBabelRuntime: false,
    }]],
  }).code;
}

/** Compiles `script` with both compilers and runs the VM's bytecode; returns its output. */
function runInHermes(script, dir) {
  const source = join(dir, "app.js");
  writeFileSync(source, script);
  execFileSync(RELEASE_HERMESC, [
    "-emit-binary",
    "-O",
    "-w",
    "-out",
    join(dir, "release.hbc"),
    source,
  ]);
  execFileSync(VM_HERMESC, [
    "-emit-binary",
    "-O",
    "-w",
    "-out",
    join(dir, "vm.hbc"),
    source,
  ]);
  try {
    const output = execFileSync(
      VM,
      ["-Xmicrotask-queue", join(dir, "vm.hbc")],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return { ok: true, output };
  } catch (error) {
    return { ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` };
  }
}

/** The closing line's counts, when the run printed it and exited cleanly. */
function verdict(run) {
  const match = /^hermes: (\d+) passed, (\d+) failed$/m.exec(run.output);
  return run.ok && match
    ? { passed: Number(match[1]), failed: Number(match[2]) }
    : null;
}

const bundle = readFileSync(here("../../dist/healthnav-client.js"), "utf8");
const globals = freeGlobals(bundle);
console.log(`the bundle reads these globals: ${globals.join(", ")}`);
const failures = [];
const forbidden = globals.filter((name) => FORBIDDEN_GLOBALS.includes(name));
if (forbidden.length > 0) {
  failures.push(
    `the bundle reads globals Hermes lacks: ${forbidden.join(", ")}`,
  );
}

// One classic script: the bundle as a CommonJS module whose exports become HealthNav.
const app = [
  lower(readFileSync(here("timers_prelude.js"), "utf8"), "script"),
  `var CLIENT_GLOBALS = ${JSON.stringify(globals)};`,
  "var HealthNav = (function () { var module = { exports: {} }; var exports = module.exports;",
  lower(bundle, "module"),
  "return module.exports; })();",
  lower(readFileSync(here("stub_supabase.js"), "utf8"), "script"),
  lower(readFileSync(here("scenarios.js"), "utf8"), "script"),
].join("\n");

const dir = mkdtempSync(join(tmpdir(), "healthnav-hermes-"));
try {
  const run = runInHermes(app, dir);
  process.stdout.write(run.output);
  const result = verdict(run);
  if (!result || result.failed > 0 || result.passed === 0) {
    failures.push("the client failed in Hermes");
  }
  // The canary: the same harness must notice a script that uses a missing API.
  const canary = runInHermes(
    app.replace(
      "var CLIENT_GLOBALS",
      'new URL("https://example.invalid/");\nvar CLIENT_GLOBALS',
    ),
    dir,
  );
  const canaryError = /ReferenceError: .*URL.*/.exec(canary.output)?.[0];
  if (verdict(canary) !== null || !canaryError) {
    failures.push(
      "the canary using URL did not fail: the harness cannot catch a missing API",
    );
  } else {
    console.log(
      `canary: a script that uses URL fails here, as it must (${canaryError})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const failure of failures) console.error(failure);
process.exit(failures.length > 0 ? 1 : 0);
