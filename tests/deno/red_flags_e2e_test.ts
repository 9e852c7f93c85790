/**
 * The clinical red-flag floor end to end, against the SageMaker stand-in:
 * a model that calls a red-flag case routine (the stand-in's `understated`
 * fault, a miscalibrated model) has its level raised with the flag shown and
 * its own level kept; a model that is down still leaves the patient the red
 * flags and the safety message; no red flag, no change; the metrics count
 * flags by rule, never by patient.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/red_flags_e2e_test.ts
 */
import assert from "node:assert/strict";
import { withStack } from "./helpers/stack.ts";

const TRIAGE = "sagemaker-triage";
const HEART_ATTACK_SIGNS = {
  symptoms: ["crushing chest pain", "sweating"],
  patient_data: { age: 58, gender: "male" },
};
const COLD = {
  symptoms: ["runny nose", "no chest pain"],
  patient_data: { age: 31, gender: "female" },
};

Deno.test("a model that says low for a red-flag case is raised to the floor, its own level kept", async () => {
  await withStack({}, async ({ stack, call }) => {
    stack.standIn.faults.inject({
      fault: "understated",
      endpoint: "medical-triage-endpoint",
    });
    const answer = await call(TRIAGE, HEART_ATTACK_SIGNS);
    assert.equal(answer.status, 200, answer.text);
    const result = answer.json as Record<string, unknown>;
    assert.equal(result.risk_level, "critical");
    assert.equal(result.model_risk_level, "low");
    assert.equal(result.risk_level_source, "red_flags");
    assert.equal(result.urgency_score, 0.05, "the model's own score");
    assert.equal(result.model_version, "standin-understated-1");
    assert.equal(result.invoked_variant, "AllTraffic");
    const [flag] = result.red_flags as {
      id: string;
      finding: string;
      source: { url: string };
    }[];
    assert.equal(flag.id, "heart_attack_chest_discomfort");
    assert.match(flag.finding, /call emergency services now/);
    assert.match(flag.source.url, /^https:\/\/www\.heart\.org\//);
    assert.match(
      String(result.red_flag_rules_version),
      /^\d{4}-\d{2}-\d{2}\.\d+$/,
    );
  });
});

Deno.test("no red flag, no change: the model's level stands", async () => {
  await withStack({}, async ({ stack, call }) => {
    stack.standIn.faults.inject({
      fault: "understated",
      endpoint: "medical-triage-endpoint",
    });
    const answer = await call(TRIAGE, COLD);
    assert.equal(answer.status, 200, answer.text);
    const result = answer.json as Record<string, unknown>;
    assert.deepEqual(
      [result.risk_level, result.model_risk_level, result.risk_level_source],
      ["low", "low", "model"],
    );
    assert.deepEqual(result.red_flags, []);
  });
});

Deno.test("a model that is down still leaves the red flags and the safety message", async () => {
  await withStack({}, async ({ stack, call }) => {
    stack.standIn.faults.inject({ fault: "service_unavailable", times: 3 });
    const down = await call(TRIAGE, HEART_ATTACK_SIGNS);
    assert.equal(down.status, 503, down.text);
    const problem = down.json as Record<string, unknown>;
    assert.equal(problem.code, "sagemaker_unavailable");
    assert.equal(
      (problem.red_flags as { id: string }[])[0].id,
      "heart_attack_chest_discomfort",
    );
    assert.match(String(problem.safety_message), /emergency/);
    assert.equal(down.headers.get("content-type"), "application/problem+json");

    // An answer the gateway cannot read is a model that cannot answer too.
    stack.standIn.faults.inject({ fault: "malformed" });
    const unreadable = await call(TRIAGE, HEART_ATTACK_SIGNS);
    assert.equal(unreadable.status, 502, unreadable.text);
    assert.ok((unreadable.json as { red_flags?: unknown[] }).red_flags?.length);

    // Without a red flag the problem says only that the assessment is unavailable.
    stack.standIn.faults.inject({ fault: "service_unavailable", times: 3 });
    const calm = await call(TRIAGE, COLD);
    assert.equal(calm.status, 503);
    const calmProblem = calm.json as Record<string, unknown>;
    assert.equal(calmProblem.red_flags, undefined);
    assert.equal(calmProblem.safety_message, undefined);
  });
});

Deno.test("a batch the model cannot answer names each patient's red flags", async () => {
  await withStack({}, async ({ stack, call }) => {
    stack.standIn.faults.inject({ fault: "service_unavailable", times: 3 });
    const answer = await call(TRIAGE, {
      patients: [
        COLD,
        {
          symptoms: ["face drooping", "slurred speech"],
          patient_data: { age: 74, gender: "female" },
        },
      ],
    });
    assert.equal(answer.status, 503, answer.text);
    const problem = answer.json as {
      patients: { index: number; red_flags: { id: string }[] }[];
      safety_message: string;
    };
    assert.deepEqual(
      problem.patients.map((p) => [p.index, p.red_flags.map((f) => f.id)]),
      [[1, ["stroke_fast"]]],
    );
    assert.match(problem.safety_message, /emergency/);
  });
});

Deno.test("metrics count red flags by rule and rule-set version, never by patient", async () => {
  await withStack({}, async ({ stack, call, logs }) => {
    stack.standIn.faults.inject({
      fault: "understated",
      endpoint: "medical-triage-endpoint",
    });
    assert.equal((await call(TRIAGE, HEART_ATTACK_SIGNS)).status, 200);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    assert.match(
      metrics,
      /healthnav_gateway_red_flags_total\{function="sagemaker-triage",rule="heart_attack_chest_discomfort",rules_version="[^"]+"\} 1/,
    );
    const emf = logs.map((line) => JSON.parse(line)).filter((r) =>
      r.RuleId !== undefined
    );
    assert.equal(emf.length, 1);
    assert.equal(emf[0].RedFlag, 1);
    assert.deepEqual(emf[0]._aws.CloudWatchMetrics[0].Dimensions, [[
      "Function",
      "RuleId",
    ]]);
    assert.ok(!JSON.stringify(emf).includes("crushing"));
  });
});

Deno.test("RED_FLAG_FLOOR=off leaves the model alone; a bad rule file is named at start", async () => {
  await withStack(
    { env: { RED_FLAG_FLOOR: "off" } },
    async ({ stack, call }) => {
      stack.standIn.faults.inject({
        fault: "understated",
        endpoint: "medical-triage-endpoint",
      });
      const result = (await call(TRIAGE, HEART_ATTACK_SIGNS)).json as Record<
        string,
        unknown
      >;
      assert.deepEqual(
        [
          result.risk_level,
          result.risk_level_source,
          result.red_flag_rules_version,
        ],
        ["low", "model", null],
      );
    },
  );
  await withStack(
    {
      env: {
        RED_FLAG_RULES_EXTRA: JSON.stringify({
          version: "clinic.1",
          concepts: [{ name: "black_stool", phrases: ["black stool"] }],
          rules: [{ id: "broken", finding: "x" }],
        }),
      },
    },
    async ({ call }) => {
      const answer = await call(TRIAGE, HEART_ATTACK_SIGNS);
      assert.equal(answer.status, 500);
      const detail = String((answer.json as { detail: string }).detail);
      assert.match(detail, /RED_FLAG_RULES_EXTRA/);
      assert.match(detail, /rule broken, rules\[0\]/);
    },
  );
});
