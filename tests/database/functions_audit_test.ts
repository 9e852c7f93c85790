/**
 * The audit trail and the quota through the functions themselves (router →
 * function → SageMaker stand-in, SUPABASE_DB_URL pointing at each test
 * database): every answered request leaves exactly one row with the right
 * fields and no patient value; a quota admits N calls and refuses call N+1
 * across two instances of a function, also when they are asked at once; a
 * stopped database answers the documented 503 before SageMaker is called,
 * or, failing open, lets the request through; an answer whose row cannot
 * be written is withheld but keeps its red flags; a database without the
 * migrations says how to apply them.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/functions_audit_test.ts
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import {
  markedTriageBody,
  PATIENT_MARKERS,
  RISK_PATIENT,
} from "../deno/helpers/payloads.ts";
import { type StackHarness, withStack } from "../deno/helpers/stack.ts";
import type { LocalDatabase } from "../../local/database/local_database.ts";
import type { LocalStack } from "../../local/local_stack.ts";
import { awayFromMinuteEnd, databaseTest, withSql } from "./databases.ts";

const TRIAGE = "sagemaker-triage";
const RISK = "sagemaker-risk-score";
const HEART_ATTACK_SIGNS = {
  symptoms: ["crushing chest pain", "sweating"],
  patient_data: { age: 58, gender: "male" },
};
/** A value no column could hold by chance. */
const RARE_BMI = 27.8125;

/** The stack with the functions writing to `db`, plus `env`. */
function withAuditedStack(
  db: LocalDatabase,
  env: Record<string, string>,
  body: (harness: StackHarness) => Promise<void>,
): Promise<void> {
  return withStack({ env: { SUPABASE_DB_URL: db.url, ...env } }, body);
}

/** A triage POST straight to one function instance, as the first patient. */
async function callInstance(
  stack: LocalStack,
  instance: { fetch(request: Request): Promise<Response> },
  body: unknown,
): Promise<Response> {
  const { access_token } = await stack.signIn();
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  return instance.fetch(
    new Request(`${stack.url}/functions/v1/${TRIAGE}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${access_token}`,
        "content-type": "application/json",
        // As the platform passes it on; without it the body is charged at the maximum.
        "content-length": String(bytes.length),
      },
      body: bytes,
    }),
  );
}

function rows(sql: postgres.Sql) {
  return sql`select * from audit.events order by id`;
}

databaseTest(
  "each answered request leaves exactly one audit row with the right fields and no patient value",
  async (db) => {
    await withAuditedStack(db, {}, async ({ stack, call }) => {
      const flagged = await call(TRIAGE, HEART_ATTACK_SIGNS);
      assert.equal(flagged.status, 200, flagged.text);
      const marked = await call(TRIAGE, markedTriageBody());
      assert.equal(marked.status, 200, marked.text);
      const invalid = await call(TRIAGE, {
        symptoms: [PATIENT_MARKERS.symptom],
        patient_data: { age: -4, gender: "female" },
      });
      assert.equal(invalid.status, 422, invalid.text);
      const anonymous = await call(TRIAGE, markedTriageBody(), {
        authorization: `Bearer ${stack.anonKey}`,
      });
      assert.equal(anonymous.status, 403, anonymous.text);
      const batch = await call(RISK, {
        patients: [
          { patient_data: { ...RISK_PATIENT, bmi: RARE_BMI } },
          { patient_data: { ...RISK_PATIENT, age: 131 } },
          { patient_data: RISK_PATIENT },
        ],
      });
      assert.equal(batch.status, 200, batch.text);
      const answers = [flagged, marked, invalid, anonymous, batch];

      const events = await withSql(db, rows);
      assert.deepEqual(
        events.map((event) => event.request_id),
        answers.map((answer) => answer.headers.get("x-request-id")),
        "one row per request, in order",
      );
      const patient = stack.patients[0].id;
      const [first, second, third, fourth, fifth] = events;
      assert.deepEqual(
        pick(first, [
          "caller_id",
          "function",
          "endpoint",
          "variant",
          "status",
          "error_code",
          "attempts",
          "red_flags",
          "batch_size",
          "refused_slots",
        ]),
        {
          caller_id: patient,
          function: TRIAGE,
          endpoint: "medical-triage-endpoint",
          variant: null,
          status: 200,
          error_code: null,
          attempts: 1,
          red_flags: ["heart_attack_chest_discomfort"],
          batch_size: null,
          refused_slots: null,
        },
      );
      assert.ok(first.latency_ms >= 0 && first.occurred_at instanceof Date);
      assert.deepEqual(second.red_flags, []);
      assert.deepEqual(
        pick(third, ["caller_id", "status", "error_code", "attempts"]),
        {
          caller_id: patient,
          status: 422,
          error_code: "validation_failed",
          attempts: null,
        },
      );
      assert.deepEqual(pick(fourth, ["caller_id", "status", "error_code"]), {
        caller_id: null,
        status: 403,
        error_code: "sign_in_required",
      });
      assert.deepEqual(
        pick(fifth, [
          "function",
          "endpoint",
          "status",
          "batch_size",
          "refused_slots",
        ]),
        {
          function: RISK,
          endpoint: "patient-risk-scorer",
          status: 200,
          batch_size: 3,
          refused_slots: [1],
        },
      );

      // Every column of every row, as text, against what the requests carried.
      const { access_token } = await stack.signIn();
      const needles = [
        ...Object.values(PATIENT_MARKERS),
        ...HEART_ATTACK_SIGNS.symptoms,
        String(RARE_BMI),
        stack.patients[0].email,
        stack.anonKey,
        access_token.split(".")[1],
        "diabetes",
        "female",
      ];
      const texts = await withSql(
        db,
        (sql) => sql`select to_jsonb(e)::text as text from audit.events e`,
      );
      for (const { text } of texts) {
        for (const needle of needles) {
          assert.ok(!text.includes(needle), `a row holds "${needle}"`);
        }
      }
    });
  },
);

databaseTest(
  "a quota of N admits N calls and refuses call N+1, across two function instances",
  async (db) => {
    await withSql(db, awayFromMinuteEnd);
    await withAuditedStack(
      db,
      { CALLER_QUOTA_PER_MINUTE: "3" },
      async ({ stack, call }) => {
        const other = stack.anotherInstance(TRIAGE);
        const statuses = [];
        for (let i = 0; i < 3; i++) {
          const answer = i % 2 === 0
            ? (await call(TRIAGE, markedTriageBody())).status
            : (await callInstance(stack, other, markedTriageBody())).status;
          statuses.push(answer);
        }
        assert.deepEqual(statuses, [200, 200, 200]);

        const refused = await callInstance(stack, other, markedTriageBody());
        assert.equal(refused.status, 429);
        assert.equal(
          refused.headers.get("content-type"),
          "application/problem+json",
        );
        const retryAfter = Number(refused.headers.get("retry-after"));
        assert.ok(
          retryAfter >= 1 && retryAfter <= 60,
          `Retry-After ${retryAfter}`,
        );
        const problem = await refused.json();
        assert.equal(problem.code, "caller_quota_exceeded");
        assert.match(problem.detail, /quota of 3 calls per minute/);
        assert.equal((await call(TRIAGE, markedTriageBody())).status, 429);

        // Refused calls never reached SageMaker; another patient, and
        // another function, count apart.
        assert.deepEqual(stack.standIn.stats().invocations, {
          "medical-triage-endpoint": 3,
        });
        const { access_token } = await stack.signIn(stack.patients[1]);
        const otherPatient = await call(TRIAGE, markedTriageBody(), {
          authorization: `Bearer ${access_token}`,
        });
        assert.equal(otherPatient.status, 200);
        assert.equal(
          (await call(RISK, { patient_data: RISK_PATIENT })).status,
          200,
        );

        const events = await withSql(db, rows);
        assert.deepEqual(
          events.map((event) => [event.status, event.error_code]),
          [
            [200, null],
            [200, null],
            [200, null],
            [429, "caller_quota_exceeded"],
            [429, "caller_quota_exceeded"],
            [200, null],
            [200, null],
          ],
        );
      },
    );
  },
);

databaseTest(
  "concurrent calls to two instances never over-admit",
  async (db) => {
    await withSql(db, awayFromMinuteEnd);
    await withAuditedStack(
      db,
      { CALLER_QUOTA_PER_MINUTE: "4" },
      async ({ stack, call }) => {
        const other = stack.anotherInstance(TRIAGE);
        const statuses = await Promise.all(
          Array.from({ length: 16 }, async (_, i) => {
            if (i % 2 === 0) {
              return (await call(TRIAGE, markedTriageBody())).status;
            }
            const response = await callInstance(
              stack,
              other,
              markedTriageBody(),
            );
            await response.body?.cancel();
            return response.status;
          }),
        );
        assert.equal(statuses.filter((status) => status === 200).length, 4);
        assert.equal(statuses.filter((status) => status === 429).length, 12);
        assert.deepEqual(stack.standIn.stats().invocations, {
          "medical-triage-endpoint": 4,
        });
      },
    );
  },
);

databaseTest(
  "a stopped database: 503 audit_unavailable before SageMaker is called, or, failing open, served",
  async (db) => {
    await withAuditedStack(
      db,
      { CALLER_QUOTA_PER_MINUTE: "30" },
      async ({ stack, call }) => {
        assert.equal((await call(TRIAGE, markedTriageBody())).status, 200);
        await db.stop();
        const closed = await call(TRIAGE, HEART_ATTACK_SIGNS);
        assert.equal(closed.status, 503, closed.text);
        assert.equal(closed.headers.get("retry-after"), "5");
        const problem = closed.json as Record<string, unknown>;
        assert.equal(problem.code, "audit_unavailable");
        // The patient still gets the warning signs the request showed.
        assert.equal(
          (problem.red_flags as { id: string }[])[0].id,
          "heart_attack_chest_discomfort",
        );
        assert.deepEqual(stack.standIn.stats().invocations, {
          "medical-triage-endpoint": 1,
        });
      },
    );
    await withAuditedStack(
      db,
      { CALLER_QUOTA_PER_MINUTE: "30", AUDIT_FAIL_OPEN: "true" },
      async ({ call, records, logs }) => {
        const open = await call(TRIAGE, markedTriageBody());
        assert.equal(open.status, 200, open.text);
        const [record] = records("function");
        assert.equal(record.audit, "unavailable");
        const failures = logs.filter((line) =>
          line.includes('"audit_store_failed"')
        );
        assert.ok(failures.length >= 1, "the failure is logged");
        for (const line of failures) {
          assert.ok(!line.includes(db.url), "no connection string in a log");
          assert.match(line, /the database is unavailable/);
        }
      },
    );
  },
);

databaseTest(
  "without a quota, an answer whose row cannot be written is withheld (503) and keeps its red flags",
  async (db) => {
    await withAuditedStack(db, {}, async ({ stack, call }) => {
      await db.stop();
      const withheld = await call(TRIAGE, HEART_ATTACK_SIGNS);
      assert.equal(withheld.status, 503, withheld.text);
      const problem = withheld.json as Record<string, unknown>;
      assert.equal(problem.code, "audit_unavailable");
      assert.equal(problem.risk_level, undefined, "no model answer leaks");
      assert.ok(String(problem.safety_message).length > 0);
      assert.equal(
        (problem.red_flags as { id: string }[])[0].id,
        "heart_attack_chest_discomfort",
      );
      // The model was asked (the row is written after the answer is known).
      assert.deepEqual(stack.standIn.stats().invocations, {
        "medical-triage-endpoint": 1,
      });
    });
  },
);

databaseTest(
  "a database without the migrations is a configuration error that says how to apply them",
  async (db) => {
    await withSql(db, (sql) => sql`drop schema audit cascade`);
    await withAuditedStack(db, {}, async ({ call, logs }) => {
      const answer = await call(TRIAGE, markedTriageBody());
      assert.equal(answer.status, 500, answer.text);
      const problem = answer.json as Record<string, unknown>;
      assert.equal(problem.code, "invalid_configuration");
      assert.match(String(problem.detail), /supabase db push/);
      assert.ok(
        logs.some((line) =>
          line.includes('"audit_store_failed"') && line.includes("42P01")
        ),
        "the log names the SQLSTATE",
      );
    });
  },
);

function pick(
  row: Record<string, unknown>,
  keys: string[],
): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
