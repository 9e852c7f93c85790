/**
 * The unsigned test-control API on the stand-in's own port:
 *
 *   POST   /__faults       queue a fault (JSON FaultSpec)
 *   GET    /__faults       list queued faults
 *   DELETE /__faults       clear queued faults
 *   GET    /__stats        invocation counters
 *   POST   /__stats/reset  zero the counters
 *
 * It is unsigned on purpose (tests and scripts drive it with plain curl);
 * the server only ever listens on 127.0.0.1.
 *
 * @module
 */

import { type FaultPlan, parseFaultSpec } from "./faults.ts";
import { readCappedBody } from "./request_body.ts";
import type { StatsCounter } from "./stats.ts";

/** Path prefix reserved for the control API. */
export const CONTROL_PREFIX = "/__";

const MAX_CONTROL_BODY_BYTES = 64 * 1024;

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** Handles a request whose path starts with {@link CONTROL_PREFIX}. */
export async function handleControl(
  request: Request,
  path: string,
  faults: FaultPlan,
  stats: StatsCounter,
): Promise<Response> {
  const route = `${request.method} ${path}`;
  switch (route) {
    case "POST /__faults": {
      const body = await readCappedBody(request, MAX_CONTROL_BODY_BYTES);
      if (!body.ok) return reply(413, { message: "fault spec too large" });
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder().decode(body.bytes));
      } catch {
        return reply(400, { message: "body must be JSON" });
      }
      const spec = parseFaultSpec(value);
      if (typeof spec === "string") return reply(400, { message: spec });
      faults.inject(spec);
      return reply(201, { queued: spec, pending: faults.pending() });
    }
    case "GET /__faults":
      return reply(200, { pending: faults.pending() });
    case "DELETE /__faults":
      faults.clear();
      return reply(200, { pending: [] });
    case "GET /__stats":
      return reply(200, stats.snapshot());
    case "POST /__stats/reset":
      stats.reset();
      return reply(200, stats.snapshot());
    default:
      await request.body?.cancel();
      return reply(404, {
        message: `No control route ${route}. ` +
          "Use POST|GET|DELETE /__faults, GET /__stats, POST /__stats/reset.",
      });
  }
}
