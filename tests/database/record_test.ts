/**
 * `AuditStore.record` writes exactly one row per request with exactly the
 * event's fields, and nothing of the request it describes: every column of
 * the row, read as text, is scanned for the patient values of the request
 * (which the event never carried). Writing the same request again changes
 * nothing; a value shaped like a body is refused by the table's checks, and
 * the error does not quote it.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/record_test.ts
 */
import assert from "node:assert/strict";
import {
  type AuditEvent,
  AuditStoreError,
} from "../../edge/_shared/audit_store.ts";
import { databaseTest, newCaller, withSql, withStores } from "./databases.ts";

/** The request the event describes: patient values that must go nowhere. */
const PATIENT_VALUES = {
  symptoms: ["crushing chest pain since 0417", "left arm numb 9241"],
  patient_data: { age: 67, gender: "female", name: "Marker Patient Quill" },
  vitals: { systolic_bp_mmhg: 187, heart_rate_bpm: 133 },
};

/**
 * The request's strings and field names of five characters or more. Not
 * bare numbers or short words: "67" turns up by chance in a uuid or a
 * timestamp, "age" in "sagemaker-triage".
 */
function markersOf(value: unknown): string[] {
  const all = (inner: unknown): string[] => {
    if (typeof inner === "string") return [inner];
    if (Array.isArray(inner)) return inner.flatMap(all);
    if (inner && typeof inner === "object") {
      return Object.entries(inner).flatMap(([key, v]) => [key, ...all(v)]);
    }
    return [];
  };
  return all(value).filter((marker) => marker.length >= 5);
}

function triageEvent(requestId: string, callerId: string): AuditEvent {
  return {
    requestId,
    callerId,
    functionName: "sagemaker-triage",
    endpoint: "medical-triage-endpoint",
    variant: "model-v2",
    status: 200,
    errorCode: null,
    latencyMs: 41.6,
    attempts: 2,
    redFlags: ["chest_pain_cardiac", "hypertensive_crisis"],
    batchSize: null,
    refusedSlots: null,
  };
}

databaseTest(
  "record writes one row with exactly the event's fields and no patient value",
  async (db) => {
    const requestId = crypto.randomUUID();
    const caller = newCaller();
    await withStores(db, 1, async ([store]) => {
      await store.record(triageEvent(requestId, caller));
      await store.record(triageEvent(requestId, caller)); // a retried write
    });
    await withSql(db, async (sql) => {
      const rows = await sql`
      select request_id, caller_id, function, endpoint, variant, status,
        error_code, latency_ms, attempts, red_flags, batch_size, refused_slots,
        occurred_at > now() - interval '1 minute' as recent,
        to_jsonb(e)::text as whole_row
      from audit.events e where request_id = ${requestId}
    `;
      assert.equal(rows.length, 1, "exactly one row");
      const [{ whole_row, recent, ...row }] = rows;
      assert.deepEqual(row, {
        request_id: requestId,
        caller_id: caller,
        function: "sagemaker-triage",
        endpoint: "medical-triage-endpoint",
        variant: "model-v2",
        status: 200,
        error_code: null,
        latency_ms: 42,
        attempts: 2,
        red_flags: ["chest_pain_cardiac", "hypertensive_crisis"],
        batch_size: null,
        refused_slots: null,
      });
      assert.equal(recent, true);
      for (const marker of markersOf(PATIENT_VALUES)) {
        assert.ok(!whole_row.includes(marker), `the row holds "${marker}"`);
      }
      // The scan reads every column: the row holds the values that were put.
      assert.ok(whole_row.includes(caller) && whole_row.includes("model-v2"));
      const [{ n }] = await sql`select count(*)::int as n from audit.events`;
      assert.equal(n, 1);
    });
  },
);

databaseTest(
  "a batch's row records how many patients it carried and which slots were refused",
  async (db) => {
    const requestId = crypto.randomUUID();
    await withStores(db, 1, async ([store]) => {
      await store.record({
        ...triageEvent(requestId, newCaller()),
        functionName: "sagemaker-risk-score",
        endpoint: "patient-risk-scorer",
        variant: null,
        attempts: 1,
        redFlags: [],
        batchSize: 5,
        refusedSlots: [1, 4],
      });
    });
    await withSql(db, async (sql) => {
      const [row] = await sql`
      select function, variant, red_flags, batch_size, refused_slots
      from audit.events where request_id = ${requestId}
    `;
      assert.deepEqual({ ...row }, {
        function: "sagemaker-risk-score",
        variant: null,
        red_flags: [],
        batch_size: 5,
        refused_slots: [1, 4],
      });
    });
  },
);

databaseTest(
  "a refused request before any caller is known is recorded without one",
  async (db) => {
    const requestId = crypto.randomUUID();
    await withStores(db, 1, async ([store]) => {
      await store.record({
        requestId,
        callerId: null,
        functionName: "sagemaker-image-analysis",
        endpoint: null,
        variant: null,
        status: 401,
        errorCode: "invalid_token",
        latencyMs: 3,
        attempts: null,
        redFlags: [],
        batchSize: null,
        refusedSlots: null,
      });
    });
    await withSql(db, async (sql) => {
      const [row] = await sql`
      select caller_id, status, error_code, attempts from audit.events
      where request_id = ${requestId}
    `;
      assert.deepEqual({ ...row }, {
        caller_id: null,
        status: 401,
        error_code: "invalid_token",
        attempts: null,
      });
    });
  },
);

databaseTest(
  "values shaped like a body are refused, and the error does not quote them",
  async (db) => {
    const body = JSON.stringify(PATIENT_VALUES);
    const bad: Partial<AuditEvent>[] = [
      { callerId: body },
      { endpoint: "crushing chest pain since 0417" },
      { errorCode: "Marker Patient Quill" },
      { redFlags: ["left arm numb 9241"] },
      { redFlags: ["ok_flag", "Marker,Patient"] },
      { variant: "x".repeat(64) },
      { requestId: "" },
      { status: 9999 },
      { refusedSlots: [5] }, // batch_size null: not a batch
      { batchSize: 2, refusedSlots: [0, 2] }, // slot 2 of a batch of 2
    ];
    await withStores(db, 1, async ([store]) => {
      for (const change of bad) {
        const event = {
          ...triageEvent(crypto.randomUUID(), newCaller()),
          ...change,
        };
        await assert.rejects(store.record(event), (error) => {
          assert.ok(error instanceof AuditStoreError, JSON.stringify(change));
          assert.equal(error.sqlState, "23514", JSON.stringify(change));
          for (const marker of [...markersOf(PATIENT_VALUES), body]) {
            assert.ok(!error.message.includes(marker));
          }
          return true;
        }, `not refused: ${JSON.stringify(change)}`);
      }
    });
    await withSql(db, async (sql) => {
      const [{ n }] = await sql`select count(*)::int as n from audit.events`;
      assert.equal(n, 0);
    });
  },
);
