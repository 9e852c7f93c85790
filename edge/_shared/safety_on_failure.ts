/**
 * When the triage model cannot answer (a timeout, throttling, a 5xx after
 * the retries, an answer it cannot read), the patient still gets what the
 * gateway knows without it: the published emergency warning signs the
 * request showed and a fixed message to seek care now. pkg decides both;
 * without a red flag the failure says only that the assessment is
 * unavailable.
 *
 * @module
 */
import { GatewayFailure } from "./gateway_failure.ts";
import type { Invocation, ResilientGateway } from "./wasm_gateway.ts";

/** `error` with the red flags of `invocation`, when it has any. */
export function withSafetyNotice<E>(
  error: E,
  invocation: Invocation,
  gateway: ResilientGateway,
): E {
  // A client that went away gets no answer at all.
  if (
    !(error instanceof GatewayFailure) || error.code === "client_closed_request"
  ) {
    return error;
  }
  if (invocation.batch) {
    const patients = invocation.batch.slots.flatMap((slot) => {
      const notice = slot.redFlags?.length
        ? gateway.safetyNotice(slot.redFlags)
        : null;
      return notice ? [{ index: slot.index, notice }] : [];
    });
    const [first] = patients;
    if (!first) return error;
    return error.with({
      safety: {
        red_flags: [],
        safety_message: first.notice.safety_message,
        red_flag_rules_version: first.notice.red_flag_rules_version,
        patients: patients.map(({ index, notice }) => ({
          index,
          red_flags: notice.red_flags,
        })),
      },
    }) as E;
  }
  const notice = invocation.redFlags.length > 0
    ? gateway.safetyNotice(invocation.redFlags)
    : null;
  return notice ? error.with({ safety: notice }) as E : error;
}
