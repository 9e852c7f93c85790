/**
 * Structured JSON log lines. Only metadata is ever logged: never bodies,
 * header values, credentials or patient fields.
 *
 * @module
 */

/** One invocation's log record. */
export interface InvocationLog {
  request_id: string;
  function: string;
  method: string;
  status: number;
  code?: string;
  /** The SageMaker endpoint, or null when the request was refused before one was chosen. */
  endpoint?: string | null;
  variant?: string | null;
  latency_ms: number;
  upstream_ms?: number;
  attempts?: number;
  retries?: number;
  aws_code?: string | null;
  /** Prediction cache outcome, only when caching is on for the function. */
  cache?: "hit" | "miss";
  /** Set when the audit database could not be reached and the function fails open. */
  audit?: "unavailable";
}

/** Writes one JSON line. */
export function logLine(
  write: (line: string) => void,
  record: InvocationLog,
): void {
  write(
    JSON.stringify({
      level: record.status >= 500 ? "error" : "info",
      msg: "invocation",
      ...record,
    }),
  );
}
