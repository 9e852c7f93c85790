/**
 * The README's first command, `./healthnav dev`, run as a newcomer would:
 * it starts the stack on the ports PORT gives, and the calls it prints
 * (the guide's two requests with the signed-in patient's token, and the
 * sign-in that gets a fresh token) work exactly as printed.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-run tests/deno/newcomer_commands_test.ts
 */
import assert from "node:assert/strict";
import { startDevCommand } from "./helpers/dev_command.ts";

const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** One `curl` the stack printed, as fetch arguments. */
interface PrintedCall {
  url: string;
  init: RequestInit;
}

/** Reads `curl -X POST <url> -H "…" -d '…'` lines, expanding $USER_TOKEN. */
function printedCalls(printed: string, userToken: string): PrintedCall[] {
  const commands = printed.replaceAll("\\\n", " ").split("\n")
    .filter((line) => line.includes("curl "))
    .map((line) => line.slice(line.indexOf("curl ")));
  return commands.map((command) => {
    const url = command.match(/-X POST '?([^' ]+)'?/)![1];
    const headers = new Headers();
    for (const [, header] of command.matchAll(/-H "([^"]+)"/g)) {
      const [name, value] = header.split(/:\s*/, 2);
      headers.set(name, value.replace("$USER_TOKEN", userToken));
    }
    const body = command.match(/-d '([^']+)'/)![1];
    return { url, init: { method: "POST", headers, body } };
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("./healthnav dev starts the stack and its printed calls work as printed", async () => {
  const port = freePort();
  // ./healthnav execs `deno task dev`, which passes SIGTERM on to the stack.
  const dev = await startDevCommand("bash", ["healthnav", "dev"], {
    cwd: REPO_ROOT,
    env: { PORT: String(port) },
  });
  try {
    const printed = dev.printed;
    assert.ok(
      printed.includes(`http://127.0.0.1:${port}/functions/v1/`),
      "the functions listen on PORT",
    );
    const userToken = printed.match(/USER_TOKEN=(\S+)/)![1];
    const [triage, imageAnalysis, signIn] = printedCalls(printed, userToken);

    const triageAnswer = await fetch(triage.url, triage.init);
    assert.equal(triageAnswer.status, 200);
    const triageBody = await triageAnswer.json();
    assert.equal(typeof triageBody.urgency_score, "number");
    assert.equal(typeof triageBody.recommended_specialty, "string");

    const imageAnswer = await fetch(imageAnalysis.url, imageAnalysis.init);
    assert.equal(imageAnswer.status, 200);
    const imageBody = await imageAnswer.json();
    assert.equal(typeof imageBody.predictions[0].confidence, "number");

    const session = await fetch(signIn.url, signIn.init);
    assert.equal(session.status, 200);
    const { access_token } = await session.json();
    const withFreshToken = await fetch(triage.url, {
      ...triage.init,
      headers: {
        "Authorization": `Bearer ${access_token}`,
        "Content-Type": "application/json",
      },
    });
    assert.equal(withFreshToken.status, 200);
    await withFreshToken.body?.cancel();
  } finally {
    await dev.stop();
  }
});
