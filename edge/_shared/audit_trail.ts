/**
 * The audit trail and the per-caller quota of one isolate, on the store in
 * audit_store.ts. Two moments of a request touch the database:
 *
 * - `admit`, after the body is validated and before SageMaker: counts the
 *   call against the caller's quota (only when the function has one).
 * - `settle`, when the answer is ready: writes the request's one audit row.
 *   Failing closed (the default), the answer waits for its row, because an
 *   answer whose row cannot be written is not given: that is one INSERT on
 *   the answer's path, and no more. Failing open, the row is written after
 *   the answer has gone (`EdgeRuntime.waitUntil` keeps the isolate alive
 *   for it on Supabase).
 *
 * What reaches the database is metadata (audit_store.ts lists it); a caller
 * id that is not an identifier (another issuer's `sub` may be an email
 * address) is stored as its SHA-256, never as written.
 *
 * @module
 */
import {
  type AuditEvent,
  AuditStoreError,
  connectAuditStore,
  DatabaseUnavailable,
} from "./audit_store.ts";
import type { AuditStore } from "./audit_store.ts";
import type { Caller } from "./caller.ts";
import {
  type DatabaseConnectionSettings,
  type DatabaseSettings,
  quotaPerMinuteFor,
} from "./database_settings.ts";
import { GatewayFailure } from "./gateway_failure.ts";
import type { RequestContext } from "./request_context.ts";
import type { FunctionName } from "./wasm_gateway.ts";

/** How long a client should wait after the database could not be reached. */
export const AUDIT_RETRY_AFTER_SECONDS = 5;

/** The shape the audit table accepts for a caller id (its CHECK). */
const CALLER_ID = /^[A-Za-z0-9._:|-]{1,128}$/;
/** SageMaker endpoint and variant names, as the table's CHECKs accept them. */
const AWS_NAME = /^[A-Za-z0-9-]{1,63}$/;
/** SQLSTATEs of a database whose audit schema was never migrated. */
const NOT_MIGRATED = new Set(["3F000", "42P01", "42883"]);

/** What the trail needs from the outside world. */
export interface AuditTrailDeps {
  now(): number;
  log(line: string): void;
  /** Keeps the isolate alive for work after the answer (Supabase's EdgeRuntime.waitUntil). */
  waitUntil?(work: Promise<unknown>): void;
  /** Opens the store; tests pass one that counts its calls. */
  connect?(settings: DatabaseConnectionSettings): AuditStore;
}

/** One function's audit trail and quota in one isolate. */
export class AuditTrail {
  readonly #store: AuditStore;
  readonly #failOpen: boolean;
  readonly #quotaPerMinute: number | null;
  readonly #functionName: FunctionName;
  readonly #deps: AuditTrailDeps;
  /** Rows still being written after their answers went (failing open). */
  readonly #pending = new Set<Promise<void>>();

  /** The trail of `functionName`; null when no database is configured. */
  static of(
    settings: DatabaseSettings,
    functionName: FunctionName,
    deps: AuditTrailDeps,
  ): AuditTrail | null {
    if (!settings.connection) return null;
    const store = (deps.connect ?? connectAuditStore)(settings.connection);
    return new AuditTrail(store, settings, functionName, deps);
  }

  private constructor(
    store: AuditStore,
    settings: DatabaseSettings,
    functionName: FunctionName,
    deps: AuditTrailDeps,
  ) {
    this.#store = store;
    this.#failOpen = settings.failOpen;
    this.#quotaPerMinute = quotaPerMinuteFor(settings, functionName);
    this.#functionName = functionName;
    this.#deps = deps;
  }

  /**
   * Counts this call against the caller's quota, or throws the failure to
   * answer: `caller_quota_exceeded` over the limit, `audit_unavailable`
   * when the database cannot be reached (unless failing open).
   */
  async admit(context: RequestContext): Promise<void> {
    const limit = this.#quotaPerMinute;
    if (limit === null) return;
    let decision;
    try {
      decision = await this.#store.admit(
        await quotaKey(context.caller),
        this.#functionName,
        limit,
      );
    } catch (error) {
      if (error instanceof DatabaseUnavailable && this.#failOpen) {
        this.#logFailure(context, error);
        context.noteAudit("unavailable");
        return;
      }
      throw this.#failure(context, error);
    }
    if (!decision.allowed) {
      throw new GatewayFailure(
        "caller_quota_exceeded",
        `The caller's quota of ${limit} calls per minute to this function is spent; try again after Retry-After seconds.`,
        { headers: { "retry-after": String(decision.retryAfterSeconds) } },
      );
    }
  }

  /**
   * Writes the request's audit row and returns the answer to send: the
   * one given, or (failing closed, when the row cannot be written) a 503
   * that keeps a triage answer's safety notice.
   */
  async settle(
    context: RequestContext,
    response: Response,
    withSafety: (failure: GatewayFailure) => GatewayFailure,
  ): Promise<Response> {
    const event = await auditEvent(context, response.status, this.#deps.now());
    if (this.#failOpen) {
      this.#inBackground(context, event);
      return response;
    }
    try {
      await this.#store.record(event);
      return response;
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      return context.fail(withSafety(this.#failure(context, error)));
    }
  }

  /** Waits for the rows still being written (tests; shutting down). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Finishes the writes under way and closes the connections. */
  async close(): Promise<void> {
    await this.drain();
    await this.#store.close();
  }

  #inBackground(context: RequestContext, event: AuditEvent): void {
    const write = this.#store.record(event)
      .catch((error) => this.#logFailure(context, error))
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
    this.#deps.waitUntil?.(write);
  }

  /** The failure to answer, logged with what the store said (metadata only). */
  #failure(context: RequestContext, error: unknown): GatewayFailure {
    this.#logFailure(context, error);
    return storeFailure(error);
  }

  #logFailure(context: RequestContext, error: unknown): void {
    this.#deps.log(JSON.stringify({
      level: "error",
      msg: "audit_store_failed",
      request_id: context.requestId,
      function: this.#functionName,
      // The store's messages name a reason or a SQLSTATE, never a value.
      reason: error instanceof DatabaseUnavailable ||
          error instanceof AuditStoreError
        ? error.message
        : "unexpected error",
    }));
  }
}

/** The audit row of a request answered with `status`. */
export async function auditEvent(
  context: RequestContext,
  status: number,
  now: number,
): Promise<AuditEvent> {
  const { outcome, invocation } = context;
  const slots = invocation?.batch?.slots;
  const redFlags = new Set(invocation?.redFlags ?? []);
  for (const slot of slots ?? []) {
    for (const id of slot.redFlags ?? []) redFlags.add(id);
  }
  return {
    requestId: context.requestId,
    callerId: await storedCallerId(context.caller?.id ?? null),
    functionName: outcome.function,
    endpoint: awsName(outcome.endpoint),
    variant: awsName(outcome.variant),
    status,
    errorCode: outcome.code ?? null,
    latencyMs: Math.max(0, now - context.started),
    attempts: outcome.attempts ?? (invocation ? 0 : null),
    redFlags: [...redFlags].sort(),
    batchSize: slots ? slots.length : null,
    refusedSlots: slots
      ? slots.filter((slot) => !slot.ok).map((slot) => slot.index)
      : null,
  };
}

/** A caller id as the audit table stores it: as is, or its SHA-256. */
export async function storedCallerId(
  id: string | null,
): Promise<string | null> {
  if (id === null || CALLER_ID.test(id)) return id;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(id),
  );
  const hex = Array.from(
    new Uint8Array(digest),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  return `sha256:${hex}`;
}

/**
 * Whose quota a call counts against: the verified `sub`, or for an allowed
 * anonymous key (no `sub`) its role, so every holder of the app's public
 * key shares one quota.
 */
async function quotaKey(caller: Caller | null): Promise<string> {
  const id = await storedCallerId(caller?.id ?? null);
  if (id !== null) return id;
  return (await storedCallerId(`role:${caller?.role ?? "none"}`))!;
}

function awsName(name: string | null | undefined): string | null {
  return name && AWS_NAME.test(name) ? name : null;
}

/** A store failure as the answer: never the database's own words. */
function storeFailure(error: unknown): GatewayFailure {
  if (error instanceof DatabaseUnavailable) {
    return new GatewayFailure(
      "audit_unavailable",
      "The audit trail cannot be written right now, so the request was not served; try again after Retry-After seconds.",
      { headers: { "retry-after": String(AUDIT_RETRY_AFTER_SECONDS) } },
    );
  }
  if (error instanceof AuditStoreError && NOT_MIGRATED.has(error.sqlState!)) {
    return new GatewayFailure(
      "invalid_configuration",
      "The gateway is misconfigured: SUPABASE_DB_URL's database has no audit schema; apply supabase/migrations (supabase db push).",
    );
  }
  return new GatewayFailure(
    "internal_error",
    "The gateway failed unexpectedly; the request id identifies it in the logs.",
  );
}
