/**
 * The demo page in a real browser: Debian's headless Chromium driven by
 * playwright-core (no browser download), against the whole local stack on
 * 127.0.0.1 (router → functions → SageMaker stand-in).
 *
 * Run:
 *   deno test --allow-net=127.0.0.1 --allow-env --allow-read \
 *     --allow-write --allow-run=/usr/bin/chromium --allow-sys tests/browser/
 *
 * HEALTHNAV_CHROMIUM overrides the browser path. Screenshots go to
 * tests/artifacts/ (gitignored).
 *
 * @module
 */
/// <reference lib="dom" />

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { createDemoPageHandler } from "../../local/demo_page.ts";
import { type LocalStack, startLocalStack } from "../../local/local_stack.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from "../../local/sagemaker_stand_in/mod.ts";

const CHROMIUM = Deno.env.get("HEALTHNAV_CHROMIUM") ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const ARTIFACTS = new URL("../artifacts/", import.meta.url);
// The page's fake demo secret (demo/lib/signed.js): it must never be shown.
const DEMO_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

/** One browser-side request to /functions/. */
interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  apikey: string | undefined;
}

Deno.test({
  name: "demo page: validate in the browser, call the functions, show results",
  // playwright-core keeps a pipe and timers to the browser process between
  // steps; everything is closed in `finally`.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const logs: string[] = [];
    let serveDemo: ((request: Request) => Promise<Response | null>) | null =
      null;
    const stack = await startLocalStack({
      port: 0,
      log: (line) => logs.push(line),
      staticHandler: (request) => serveDemo ? serveDemo(request) : null,
    });
    serveDemo = createDemoPageHandler({
      anonKey: stack.anonKey,
      accessToken: async () => (await stack.signIn()).access_token,
      allowedBuckets: ["bucket"],
      nonClinicalStandIn: true,
      region: LOCAL_REGION,
      endpointUrl: stack.standIn.url,
    });
    const profile = await Deno.makeTempDir({ prefix: "healthnav-chromium-" });
    let context: BrowserContext | null = null;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: DESKTOP,
        offline: false,
      });
      const page = context.pages()[0] ?? await context.newPage();
      page.setDefaultTimeout(15_000);
      const seen: SeenRequest[] = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname.startsWith("/functions/")) {
          seen.push({
            method: request.method(),
            url: request.url(),
            authorization: request.headers()["authorization"],
            apikey: request.headers()["apikey"],
          });
        }
      });
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`pageerror: ${error}`));
      page.on("console", (message) => {
        // A 4xx/5xx answer is logged by Chromium as a failed resource; the
        // tests provoke one on purpose. Anything else is a bug.
        if (
          message.type() === "error" &&
          !message.text().startsWith("Failed to load resource")
        ) {
          problems.push(`console: ${message.text()}`);
        }
      });
      // Anything but the stack (a CDN, a font service) would fail offline.
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
        problems.push(`off-host request: ${route.request().url()}`);
        return route.abort();
      });

      await t.step(
        "loads pkg/ and config, shows the stand-in banner",
        async () => {
          await page.goto(`${stack.url}/`);
          await page.waitForFunction(() => document.body.dataset.ready);
          assert.equal(
            await page.evaluate(() => document.body.dataset.ready),
            "true",
            await page.textContent("#boot-status") ?? "",
          );
          assert.ok(await page.isVisible("#stand-in-banner"));
          assert.match(
            await page.textContent("#stand-in-banner") ?? "",
            /non-clinical/i,
          );
          assert.equal(
            await page.textContent("#functions-url"),
            `${stack.url}/functions/v1`,
          );
          // The first Tab lands on the skip link, and so on in document order.
          await page.keyboard.press("Tab");
          assert.equal(
            await page.evaluate(() => document.activeElement?.className),
            "skip-link",
          );
          await assertTabOrder(page);
          await page.evaluate(() =>
            (document.activeElement as HTMLElement | null)?.blur()
          );
          const config = await page.evaluate(() =>
            fetch("/demo/config.json").then((r) => r.json())
          );
          assert.equal(config.anonKey, stack.anonKey);
          assert.notEqual(config.anonKey, stack.serviceRoleKey);
          // A signed-in demo patient's session: an ES256 token with a sub.
          const claims = JSON.parse(atob(
            config.accessToken.split(".")[1].replace(/-/g, "+").replace(
              /_/g,
              "/",
            ),
          ));
          assert.equal(claims.sub, stack.patients[0].id);
          assert.equal(claims.role, "authenticated");
        },
      );

      await t.step("invalid triage: field errors, nothing sent", async () => {
        const long = "x".repeat(101);
        await page.fill("#triage-symptom-new", long);
        await page.press("#triage-symptom-new", "Enter");
        await page.fill("#triage-age", "200");
        await page.click("#triage button[type=submit]");

        const summary = page.locator("#triage .error-summary");
        await summary.waitFor({ state: "visible" });
        assert.ok(
          await summary.evaluate((el) => el === document.activeElement),
          "the error summary takes the focus",
        );
        // The same errors, codes and messages the server gives for this body.
        const server = await postJson(stack, "sagemaker-triage", {
          symptoms: [long],
          patient_data: { age: 200 },
        });
        assert.equal(server.status, 422);
        const serverErrors = server.json.errors as {
          path: string;
          code: string;
          message: string;
        }[];
        assert.deepEqual(
          serverErrors.map((e) => e.path).sort(),
          ["patient_data.age", "patient_data.gender", "symptoms[0]"],
        );
        const fieldOf: Record<string, string> = {
          "patient_data.age": "#triage [data-path='patient_data.age']",
          "patient_data.gender": "#triage [data-path='patient_data.gender']",
          "symptoms[0]": "#triage-symptoms",
        };
        for (const error of serverErrors) {
          const box = page.locator(`${fieldOf[error.path]} > .field-error`);
          assert.ok(await box.isVisible(), `error shown for ${error.path}`);
          const text = await box.textContent() ?? "";
          assert.ok(
            text.includes(error.message) && text.includes(error.code),
            `${error.path}: page says ${JSON.stringify(text)}, server ${
              JSON.stringify(error)
            }`,
          );
        }
        assert.match(
          await page.textContent("#triage-symptoms > .field-error") ?? "",
          /“x{39}…”/,
        );
        const age = page.locator("#triage-age");
        assert.equal(await age.getAttribute("aria-invalid"), "true");
        const describedBy = await age.getAttribute("aria-describedby") ?? "";
        const errorId = await page.locator(
          "#triage [data-path='patient_data.age'] > .field-error",
        ).getAttribute("id");
        assert.ok(errorId && describedBy.split(" ").includes(errorId));
        assert.deepEqual(seen, [], "nothing was sent to /functions/");
        await Deno.mkdir(ARTIFACTS, { recursive: true });
        await page.locator("#triage").screenshot({
          path: new URL("demo-triage-errors.png", ARTIFACTS).pathname,
        });
        assert.deepEqual(await lowContrast(page), []);
      });

      await t.step("valid triage: gauge, badge, time split", async () => {
        // Chips work from the keyboard (Space, Enter) and by pointer.
        await page.locator(`#triage-symptoms .chip[data-value^="xxx"]`)
          .focus();
        await page.keyboard.press("Space");
        await page.locator(`#triage-symptoms .chip[data-value="fever"]`)
          .focus();
        await page.keyboard.press("Enter");
        await page.locator(`#triage-symptoms .chip[data-value="cough"]`)
          .click();
        await page.fill("#triage-age", "35");
        await page.selectOption("#triage-gender", "female");
        // Errors follow the edits and are gone once the body is valid.
        assert.equal(await page.isVisible("#triage .error-summary"), false);
        assert.equal(
          await page.getAttribute("#triage-age", "aria-invalid"),
          null,
        );

        const answer = page.waitForResponse((r) =>
          r.url().endsWith("/functions/v1/sagemaker-triage")
        );
        await page.click("#triage button[type=submit]");
        const response = await answer;
        assert.equal(response.status(), 200);
        await page.locator("#triage .result-card").waitFor();

        assert.equal(seen.length, 1);
        assert.equal(seen[0].method, "POST");
        assert.match(
          seen[0].authorization ?? "",
          /^Bearer eyJhbGciOiJFUzI1NiIs/,
        );
        assert.equal(seen[0].apikey, stack.anonKey);
        const body = await response.json();
        assert.equal(body.risk_level, "moderate");
        assert.equal(
          await page.textContent("#triage .gauge-value"),
          `${Math.round(body.urgency_score * 100)}%`,
        );
        assert.equal(
          await page.textContent("#triage .badge.badge-moderate"),
          "Moderate",
        );
        const card = await page.textContent("#triage .result-card") ?? "";
        for (const finding of body.key_findings) {
          assert.ok(card.includes(finding), finding);
        }
        assert.ok(card.includes(body.recommended_specialty));
        assert.ok(card.includes(body.model_version));
        assert.match(card, /Model \d+ ms/);
        assert.match(card, /Gateway \d+ ms/);
        assert.ok(card.includes(response.headers()["x-request-id"]));
        assert.match(
          await page.textContent("#triage [data-announce]") ?? "",
          /Moderate risk, urgency \d+%/,
        );
      });

      await t.step(
        "signed request: demo credentials, signature, never a secret",
        async () => {
          const details = page.locator("#triage details.signed");
          assert.match(
            await details.locator("summary").textContent() ?? "",
            /what the gateway signs \(demo credentials\)/i,
          );
          await details.locator("summary").click();
          const text = await details.locator("pre").textContent() ?? "";
          assert.match(
            text,
            /^POST \/endpoints\/medical-triage-endpoint\/invocations HTTP\/1\.1\n/,
          );
          assert.ok(text.includes(`host: ${new URL(stack.standIn.url).host}`));
          assert.match(text, /x-amz-date: \d{8}T\d{6}Z/);
          assert.match(
            text,
            /authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sagemaker\/aws4_request,\s+SignedHeaders=accept;content-type;host;x-amz-date,\s+Signature=[0-9a-f]{64}/,
          );
          const html = await page.content();
          for (
            const secret of [DEMO_SECRET, LOCAL_CREDENTIALS.secretAccessKey]
          ) {
            assert.ok(!html.includes(secret), "no secret key on the page");
          }
        },
      );

      await t.step(
        "red flags: a model that says low for chest pain is overruled, and a model that is down leaves the flags",
        async () => {
          await page.locator(`#triage-symptoms .chip[data-value="chest pain"]`)
            .click();
          stack.standIn.faults.inject({
            fault: "understated",
            endpoint: "medical-triage-endpoint",
          });
          const answer = page.waitForResponse((r) =>
            r.url().endsWith("/functions/v1/sagemaker-triage")
          );
          await page.click("#triage button[type=submit]");
          const body = await (await answer).json();
          assert.deepEqual(
            [body.risk_level, body.model_risk_level, body.risk_level_source],
            ["critical", "low", "red_flags"],
          );
          const flags = page.locator("#triage .result-card .red-flags");
          await flags.waitFor();
          const text = await flags.textContent() ?? "";
          assert.ok(text.includes(body.red_flags[0].finding), text);
          assert.ok(text.includes("American Heart Association"), text);
          const card = await page.textContent("#triage .result-card") ?? "";
          assert.match(card, /set by red flags; the model said\s*Low/);

          stack.standIn.faults.inject({
            fault: "service_unavailable",
            endpoint: "medical-triage-endpoint",
            times: 3,
          });
          const down = page.waitForResponse((r) =>
            r.url().endsWith("/functions/v1/sagemaker-triage")
          );
          await page.click("#triage button[type=submit]");
          const problem = await (await down).json();
          assert.equal(problem.code, "sagemaker_unavailable");
          const safety = page.locator("#triage .problem .safety-message");
          await safety.waitFor();
          const message = await safety.textContent() ?? "";
          assert.ok(message.includes(problem.safety_message), message);
          assert.ok(message.includes(problem.red_flags[0].finding), message);
          assert.deepEqual(await lowContrast(page), []);
        },
      );

      await t.step("image: upload a PNG, preview, predictions", async () => {
        const png = await tinyPng(4, 4);
        await page.setInputFiles("#image-file", {
          name: "tiny.png",
          mimeType: "image/png",
          buffer: Buffer.from(png),
        });
        const preview = page.locator("#image .preview-image");
        await preview.waitFor();
        await page.waitForFunction(() => {
          const img = document.querySelector("#image .preview-image");
          return img instanceof HTMLImageElement && img.complete &&
            img.naturalWidth === 4;
        });
        assert.equal(await preview.getAttribute("alt"), "Preview of tiny.png");
        await page.selectOption("#image-type", "xray");
        const answer = page.waitForResponse((r) =>
          r.url().endsWith("/functions/v1/sagemaker-image-analysis")
        );
        await page.click("#image button[type=submit]");
        const response = await answer;
        assert.equal(response.status(), 200);
        const body = await response.json();
        const rows = page.locator("#image .predictions li");
        await rows.first().waitFor();
        assert.equal(await rows.count(), body.predictions.length);
        assert.equal(body.predictions.length, 5);
        const first = body.predictions[0];
        assert.equal(
          (await rows.first().locator(".prediction-value").textContent())
            ?.replace(/\s*confidence$/, ""),
          `${Math.round(first.confidence * 100)}%`,
        );
        const width = await rows.first().locator(".bar-fill").evaluate((el) =>
          parseFloat((el as HTMLElement).style.width)
        );
        assert.ok(Math.abs(width - first.confidence * 100) < 0.01, `${width}`);
        assert.equal(
          seen.length,
          4,
          "triage once, the red-flag step twice, then this",
        );
      });

      await t.step(
        "image: an invalid S3 URI is refused in the browser",
        async () => {
          await page.check("#image-source-s3");
          await page.fill("#image-s3", "s3://B/scan.png");
          await page.click("#image button[type=submit]");
          const box = page.locator("#image-source > .field-error");
          await box.waitFor({ state: "visible" });
          assert.match(await box.textContent() ?? "", /invalid_s3_uri/);
          assert.equal(seen.length, 4, "nothing more was sent");
          await page.fill("#image-s3", "");
          await page.check("#image-source-file");
        },
      );

      await t.step(
        "risk: a model failure shows as readable problem+json",
        async () => {
          const values: [string, string][] = [
            ["Age", "67"],
            ["Heart rate", "112"],
            ["Respiratory rate", "24"],
            ["Systolic blood pressure", "165"],
            ["Diastolic blood pressure", "95"],
            ["Temperature", "38,4"],
            ["Oxygen saturation (SpO₂)", "91"],
          ];
          const risk = page.locator("#risk");
          for (const [label, value] of values) {
            await risk.getByLabel(label, { exact: true }).fill(value);
          }
          await risk.getByLabel("Gender").selectOption("male");
          await risk.getByLabel("Diabetes").check();
          await risk.getByLabel("COPD").check();

          stack.standIn.faults.inject({
            fault: "model_error",
            endpoint: "patient-risk-scorer",
          });
          const answer = page.waitForResponse((r) =>
            r.url().endsWith("/functions/v1/sagemaker-risk-score")
          );
          await page.click("#risk button[type=submit]");
          const response = await answer;
          assert.equal(response.status(), 502);
          const problem = await response.json();
          const box = page.locator("#risk .problem");
          await box.waitFor();
          assert.equal(await box.getAttribute("role"), "alert");
          const text = await box.textContent() ?? "";
          assert.ok(text.includes(`502 ${problem.title}`), text);
          assert.ok(text.includes(problem.detail), text);
          assert.ok(text.includes(problem.code), text);
          assert.ok(text.includes(problem.request_id), text);
          assert.equal(problem.request_id, response.headers()["x-request-id"]);
          assert.deepEqual(await lowContrast(page), []);
        },
      );

      await t.step(
        "risk: the vitals form gives a score and a level",
        async () => {
          const answer = page.waitForResponse((r) =>
            r.url().endsWith("/functions/v1/sagemaker-risk-score")
          );
          await page.click("#risk button[type=submit]");
          const response = await answer;
          assert.equal(response.status(), 200);
          const request = response.request().postDataJSON();
          assert.equal(request.patient_data.temperature_c, 38.4);
          assert.deepEqual(request.patient_data.chronic_conditions, [
            "diabetes",
            "copd",
          ]);
          const body = await response.json();
          await page.locator("#risk .result-card").waitFor();
          assert.equal(
            await page.textContent("#risk .score-value"),
            `${Math.round(body.risk_score * 100)}%`,
          );
          const level = body.risk_level as string;
          assert.equal(
            await page.textContent(`#risk .badge.badge-${level}`),
            level[0].toUpperCase() + level.slice(1),
          );
        },
      );

      await t.step(
        "accessibility: labels, names, contrast, focus",
        async () => {
          // Every control has a label; every button and link a name.
          const unlabeled = await page.evaluate(() =>
            [...document.querySelectorAll("input, select, textarea")]
              .filter((el) =>
                (el as HTMLInputElement).labels?.length === 0 &&
                !el.getAttribute("aria-label")
              )
              .map((el) => el.id || el.outerHTML.slice(0, 60))
          );
          assert.deepEqual(unlabeled, []);
          const unnamed = await page.evaluate(() =>
            [...document.querySelectorAll("button, a[href], summary")]
              .filter((el) =>
                !(el.textContent ?? "").trim() && !el.getAttribute("aria-label")
              )
              .map((el) => el.outerHTML.slice(0, 60))
          );
          assert.deepEqual(unnamed, []);
          assert.deepEqual(await lowContrast(page), []);

          // With results, errors and the signed request on the page, Tab still
          // follows the document and every stop shows where the focus is.
          await page.focus(".skip-link");
          await assertTabOrder(page);
        },
      );

      await t.step("screenshots: desktop and 375 px phone", async () => {
        await Deno.mkdir(ARTIFACTS, { recursive: true });
        await page.evaluate(() => globalThis.scrollTo(0, 0));
        await page.screenshot({
          path: new URL("demo-desktop.png", ARTIFACTS).pathname,
          fullPage: true,
        });
        await page.setViewportSize(PHONE);
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .map((el) =>
              `${el.tagName}.${el.className}#${el.id} ${
                Math.round(el.getBoundingClientRect().right)
              }`
            );
        });
        assert.deepEqual(overflow, [], "no sideways scrolling at 375 px");
        assert.equal(
          await page.evaluate(() =>
            document.documentElement.scrollWidth -
            document.documentElement.clientWidth
          ),
          0,
        );
        assert.deepEqual(await lowContrast(page), []);
        await page.screenshot({
          path: new URL("demo-phone.png", ARTIFACTS).pathname,
          fullPage: true,
        });
      });

      assert.deepEqual(problems, []);
    } finally {
      await context?.close();
      await stack.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});

/**
 * Presses Tab from the focused element until the focus leaves the page or
 * wraps to the skip link: the stops must go forward in document order (no
 * positive tabindex, no trap) and each must show a focus outline.
 */
async function assertTabOrder(page: Page): Promise<void> {
  const stops = [];
  for (let i = 0; i < 300; i++) {
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return {
          index: [...document.querySelectorAll("*")].indexOf(el),
          what: `${el.tagName}#${el.id}.${el.className}`,
          outlined: style.outlineStyle !== "none" &&
            parseFloat(style.outlineWidth) >= 2,
        };
      }),
    );
    await page.keyboard.press("Tab");
    const wrapped = await page.evaluate(() =>
      document.activeElement === document.body ||
      document.activeElement?.className === "skip-link"
    );
    if (wrapped) break;
  }
  assert.ok(stops.length > 40, `only ${stops.length} tab stops`);
  for (let i = 1; i < stops.length; i++) {
    assert.ok(
      stops[i].index > stops[i - 1].index,
      `focus went back from ${stops[i - 1].what} to ${stops[i].what}`,
    );
  }
  assert.deepEqual(
    stops.filter((stop) => !stop.outlined).map((stop) => stop.what),
    [],
    "every focus stop shows an outline",
  );
}

/** POSTs JSON with the anon key, as the page does. */
async function postJson(
  stack: LocalStack,
  slug: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const token = (await stack.signIn()).access_token;
  const response = await fetch(`${stack.url}/functions/v1/${slug}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/**
 * Text whose colour contrast with its background is below WCAG AA (4.5:1,
 * or 3:1 for large text). Backgrounds are solid colours here, so walking up
 * to the first opaque background is exact.
 */
function lowContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (color: string) => {
      const m = color.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(
        Number,
      );
      return { r, g, b, a };
    };
    const luminance = (c: { r: number; g: number; b: number }) => {
      const channel = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) +
        0.0722 * channel(c.b);
    };
    const background = (el: Element | null) => {
      for (let node = el; node; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c && c.a > 0.99) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const failures: string[] = [];
    const walker = document.createTreeWalker(
      document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !(node.textContent ?? "").trim()) continue;
      if (el.closest("[hidden], .visually-hidden, button:disabled, svg")) {
        continue;
      }
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden") continue;
      const fg = parse(style.color);
      if (!fg) continue;
      const l1 = luminance(fg);
      const l2 = luminance(background(el));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(
          `${ratio.toFixed(2)} ${el.tagName}.${el.className}: ${
            (node.textContent ?? "").trim().slice(0, 40)
          }`,
        );
      }
    }
    return failures;
  });
}

/** A valid width×height RGB PNG (a small gradient), built by hand. */
async function tinyPng(width: number, height: number): Promise<Uint8Array> {
  const raw = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      raw.set([x * 60, y * 60, 128], row + 1 + x * 3);
    }
  }
  const zlib = new Uint8Array(
    await new Response(
      new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")),
    ).arrayBuffer(),
  );
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode(type), data]);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(typed, 4);
  view.setUint32(8 + data.length, crc32(typed));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}
