/**
 * One structured JSON line per request. Only routing facts are logged: never
 * headers (they carry signatures and tokens) and never bodies (they carry
 * patient data).
 *
 * @module
 */

/** The fields of a log line. */
export interface RequestLogEntry {
  method: string;
  path: string;
  endpoint: string | null;
  status: number;
  ms: number;
  fault: string | null;
  requestId: string;
}

/** Formats and emits a log line through `log`. */
export function logRequest(
  log: (line: string) => void,
  entry: RequestLogEntry,
): void {
  log(JSON.stringify({
    time: new Date().toISOString(),
    component: "sagemaker-stand-in",
    ...entry,
    ms: Math.round(entry.ms * 10) / 10,
  }));
}
