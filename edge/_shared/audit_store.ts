/**
 * The functions' connection to the project's Postgres: the per-caller quota
 * check (`audit.admit_call`) and the audit row (`audit.events`), through
 * postgres.js as Supabase documents for Edge Functions: SUPABASE_DB_URL,
 * the transaction pooler, no prepared statements and no session state (a
 * pooler in transaction mode hands each statement to any server
 * connection), a small pool per isolate and a deadline on every call.
 *
 * Failures come in two kinds. {@link DatabaseUnavailable}: the database
 * could not be reached, refused the connection, or did not answer in time;
 * the caller decides between failing closed (503) and open. Any other
 * error from the database is an {@link AuditStoreError}: a bug or missing
 * migration. Neither message ever holds the URL, a password or a value of
 * the event (Postgres's own messages and details can quote row values, so
 * only the SQLSTATE and the constraint name are kept).
 *
 * @module
 */
import postgres from "postgres";
import type { DatabaseConnectionSettings } from "./database_settings.ts";

/** One answered request, as its audit row stores it: metadata only. */
export interface AuditEvent {
  requestId: string;
  /** The caller's `sub`; null when none was verified. */
  callerId: string | null;
  functionName: string;
  endpoint: string | null;
  variant: string | null;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  attempts: number | null;
  /** Ids of the red-flag rules raised; empty when none. */
  redFlags: string[];
  /** Batches: how many patients the request carried; else null. */
  batchSize: number | null;
  /** Batches: the zero-based slots that were refused; else null. */
  refusedSlots: number[] | null;
}

/** Whether one call may go ahead under the caller's quota. */
export interface QuotaDecision {
  allowed: boolean;
  /** Seconds until the window ends and calls are admitted again; 0 when allowed. */
  retryAfterSeconds: number;
  /** The calls per minute that applied. */
  limit: number;
}

/** The quota check and the audit writer of one isolate. */
export interface AuditStore {
  /** Admits and counts one call of `callerId` to `functionName`, or refuses it. */
  admit(
    callerId: string,
    functionName: string,
    perMinute: number,
  ): Promise<QuotaDecision>;
  /** Writes the request's one audit row; writing it again changes nothing. */
  record(event: AuditEvent): Promise<void>;
  /** Waits for calls under way (up to a second), then closes the pool. */
  close(): Promise<void>;
}

/** Why the database could not be used. */
export type UnavailableReason = "unreachable" | "refused" | "timeout";

/** The database could not be reached, refused the connection or did not answer in time. */
export class DatabaseUnavailable extends Error {
  constructor(readonly reason: UnavailableReason) {
    super(`the database is unavailable (${reason})`);
    this.name = "DatabaseUnavailable";
  }
}

/** The database answered with an error: a bug or a migration not applied. */
export class AuditStoreError extends Error {
  constructor(
    readonly sqlState: string | null,
    readonly constraint: string | null,
  ) {
    super(
      `the database refused an audit or quota statement (${
        [
          sqlState && `SQLSTATE ${sqlState}`,
          constraint && `constraint ${constraint}`,
        ].filter(Boolean).join(", ") || "client error"
      })`,
    );
    this.name = "AuditStoreError";
  }
}

/** Opens the isolate's pool lazily: nothing connects until the first call. */
export function connectAuditStore(
  settings: DatabaseConnectionSettings,
): AuditStore {
  const sql = postgres(settings.url, {
    // Transaction pooler: unnamed statements only, nothing kept per session.
    prepare: false,
    max: settings.poolMax,
    connect_timeout: settings.connectTimeoutMs / 1000,
    idle_timeout: settings.idleTimeoutMs / 1000,
    // The array-type lookup on each new connection is not needed: arrays
    // are sent as literals below.
    fetch_types: false,
    // Notices could quote values; the functions' logs are metadata only.
    onnotice: () => {},
    connection: { application_name: "healthnav-edge" },
  });

  /** Runs one statement within the deadline, translating its failures. */
  async function withinDeadline<T>(
    query: postgres.PendingQuery<postgres.Row[]>,
    read: (rows: postgres.Row[]) => T,
  ): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        try {
          query.cancel();
        } catch {
          // Not sent yet, or already done: the deadline stands either way.
        }
        reject(new DatabaseUnavailable("timeout"));
      }, settings.queryTimeoutMs);
    });
    // The losing side of the race must not become an unhandled rejection.
    const rows = query.then((result) => result, (error) => {
      throw translate(error);
    });
    rows.catch(() => {});
    try {
      return read(await Promise.race([rows, deadline]));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    admit(callerId, functionName, perMinute) {
      return withinDeadline(
        sql`
          select allowed, retry_after_seconds
          from audit.admit_call(${callerId}, ${functionName}, ${perMinute})
        `,
        ([row]) => ({
          allowed: row.allowed === true,
          retryAfterSeconds: Number(row.retry_after_seconds),
          limit: perMinute,
        }),
      );
    },
    record(event) {
      return withinDeadline(
        sql`
          insert into audit.events (
            request_id, caller_id, function, endpoint, variant, status,
            error_code, latency_ms, attempts, red_flags, batch_size,
            refused_slots
          ) values (
            ${event.requestId}, ${event.callerId}, ${event.functionName},
            ${event.endpoint}, ${event.variant}, ${event.status},
            ${event.errorCode}, ${Math.round(event.latencyMs)},
            ${event.attempts}, ${arrayLiteral(event.redFlags)}::text[],
            ${event.batchSize},
            ${event.refusedSlots && arrayLiteral(event.refusedSlots)}::integer[]
          )
          on conflict (request_id) do nothing
        `,
        () => undefined,
      );
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}

/** A Postgres array literal, each element quoted: `{"a","b"}`. */
function arrayLiteral(values: readonly (string | number)[]): string {
  const quoted = values.map((value) =>
    `"${String(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`
  );
  return `{${quoted.join(",")}}`;
}

/**
 * SQLSTATE classes that mean the database is not there for us: connection
 * exceptions (08), login refused (28), no such database (3D000), out of
 * resources such as too many clients (53), shutting down or restarting
 * (57P), and statements cancelled, as the deadline cancels them (57014).
 */
function unavailableState(state: string): UnavailableReason | null {
  if (state.startsWith("08")) return "unreachable";
  if (state.startsWith("28") || state === "3D000") return "refused";
  if (state.startsWith("53") || state.startsWith("57P")) return "refused";
  if (state === "57014") return "timeout";
  return null;
}

function translate(error: unknown): Error {
  if (error instanceof DatabaseUnavailable) return error;
  if (error instanceof postgres.PostgresError) {
    const reason = unavailableState(error.code);
    if (reason) return new DatabaseUnavailable(reason);
    const constraint = (error as { constraint_name?: string }).constraint_name;
    return new AuditStoreError(error.code, constraint ?? null);
  }
  // postgres.js's own complaints about what it was given are bugs here.
  const code = (error as { code?: unknown })?.code;
  if (code === "UNDEFINED_VALUE" || error instanceof TypeError) {
    return new AuditStoreError(null, null);
  }
  // Anything else is the connection: refused, reset, closed, timed out.
  return new DatabaseUnavailable(
    code === "CONNECT_TIMEOUT" ? "timeout" : "unreachable",
  );
}
