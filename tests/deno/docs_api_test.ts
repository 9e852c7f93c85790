/**
 * The error table of docs/api.md is the crate's: every code pkg/'s
 * `errorCodeTable()` returns has exactly one row, no row names a code the
 * table lacks, and each row's status and retryable mark are the code's. A
 * code added, renamed or given another status in src/error.rs fails here
 * until the reference says so too.
 *
 * Run: deno test --allow-read tests/deno/docs_api_test.ts
 */

import assert from "node:assert/strict";
import { errorCodeTable } from "../../pkg/mod.js";

const DOC = new URL("../../docs/api.md", import.meta.url);
/** The table's header cells, which is how the table is found. */
const HEADER = ["status", "code", "meaning", "retryable"];

interface DocumentedCode {
  code: string;
  status: number;
  retryable: boolean;
  line: number;
}

/** The cells of a Markdown table row, trimmed; null for any other line. */
function cells(line: string): string[] | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("|") || !trimmed.endsWith("|")) return null;
  return trimmed.slice(1, -1).split("|").map((cell) => cell.trim());
}

/** The rows of the one table whose header is {@link HEADER}. */
function documentedCodes(markdown: string): DocumentedCode[] {
  const lines = markdown.split("\n");
  const headers = lines.flatMap((line, index) =>
    JSON.stringify(cells(line)) === JSON.stringify(HEADER) ? [index] : []
  );
  assert.equal(headers.length, 1, "docs/api.md has one error table");
  const [header] = headers;
  assert.match(
    lines[header + 1],
    /^\|(\s*:?-+:?\s*\|){4}$/,
    "the header is followed by the separator row",
  );
  const rows: DocumentedCode[] = [];
  for (let index = header + 2; index < lines.length; index++) {
    const row = cells(lines[index]);
    if (row === null) break;
    const line = index + 1;
    assert.equal(row.length, 4, `line ${line}: four cells`);
    const [status, code, meaning, retryable] = row;
    assert.match(status, /^\d{3}$/, `line ${line}: a status`);
    const name = /^`([a-z_]+)`$/.exec(code);
    assert.ok(name, `line ${line}: one code in backticks, got ${code}`);
    assert.ok(meaning.length > 0, `line ${line}: a meaning`);
    assert.ok(
      retryable === "yes" || retryable === "",
      `line ${line}: retryable is "yes" or empty, got ${retryable}`,
    );
    rows.push({
      code: name[1],
      status: Number(status),
      retryable: retryable === "yes",
      line,
    });
  }
  return rows;
}

Deno.test("docs/api.md documents every error code once, with its status and retryability", async () => {
  const documented = documentedCodes(await Deno.readTextFile(DOC));
  const table = errorCodeTable();
  assert.ok(table.length > 0, "errorCodeTable() lists codes");

  const byCode = new Map<string, DocumentedCode>();
  for (const row of documented) {
    const earlier = byCode.get(row.code);
    assert.equal(
      earlier,
      undefined,
      `${row.code} is documented twice (lines ${earlier?.line} and ${row.line})`,
    );
    byCode.set(row.code, row);
  }
  assert.deepEqual(
    [...byCode.keys()].sort(),
    table.map((info) => info.code).sort(),
    "the documented codes are errorCodeTable()'s",
  );
  for (const info of table) {
    const row = byCode.get(info.code)!;
    assert.deepEqual(
      { code: row.code, status: row.status, retryable: row.retryable },
      info,
      `line ${row.line}: ${info.code}`,
    );
  }
});
