/**
 * The crate's error-code table (pkg's `errorCodeTable`), read once per
 * isolate: the status and retryability of every code, including the codes
 * the edge functions raise themselves. Nothing in TypeScript decides either.
 *
 * @module
 */
import { errorCodeTable } from "../../pkg/mod.js";
import type { ErrorCode, ErrorCodeInfo } from "../../pkg/mod.d.ts";

export type { ErrorCode, ErrorCodeInfo };

const TABLE: ReadonlyMap<ErrorCode, ErrorCodeInfo> = new Map(
  errorCodeTable().map((row) => [row.code, row]),
);

/** The row of `code`; every ErrorCode has one. */
export function errorCodeInfo(code: ErrorCode): ErrorCodeInfo {
  const row = TABLE.get(code);
  if (!row) throw new TypeError(`${code} is not in pkg's error-code table`);
  return row;
}
