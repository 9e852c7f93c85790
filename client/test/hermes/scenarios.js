// The client (client/dist, lowered by Babel as a React Native build does)
// run in the Hermes VM against a stub of supabase-js's functions.invoke.
// Prints one line per scenario and "hermes: N passed, M failed".
// Globals from the runner: HealthNav (the bundle's exports), CLIENT_GLOBALS
// (the globals the bundle reads), and stub_supabase.js.

/* global HealthNav, CLIENT_GLOBALS, stubSupabase, answers, abortable, print */

// The web APIs the client must do without: absent in this VM, so the run proves it.
const ABSENT_HERE = [
  "fetch",
  "TextEncoder",
  "TextDecoder",
  "WebAssembly",
  "URL",
  "URLSearchParams",
  "atob",
  "btoa",
  "structuredClone",
  "Intl",
  "AbortController",
  "Headers",
  "Response",
  "crypto",
];

const scenarios = [];
function scenario(name, run) {
  scenarios.push({ name: name, run: run });
}

function check(condition, what) {
  if (!condition) throw new Error("expected " + what);
}

function same(actual, expected, what) {
  check(
    JSON.stringify(actual) === JSON.stringify(expected),
    what + ": " + JSON.stringify(expected) + ", got " + JSON.stringify(actual),
  );
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

function checkError(error, status, code) {
  check(
    error instanceof HealthNav.HealthNavError,
    "a HealthNavError, got " + error,
  );
  check(HealthNav.isHealthNavError(error), "isHealthNavError");
  same([error.status, error.code], [status, code], "status and code");
}

const TRIAGE = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
};
const RESULT = {
  urgency_score: 0.35,
  risk_level: "moderate",
  recommended_specialty: null,
  confidence: 0.8,
  key_findings: ["Fever reported"],
  model_version: "1.2.0",
  inference_time_ms: 11,
};
const IMAGE_RESULT = {
  predictions: [{
    condition: "pneumonia",
    confidence: 0.87,
    severity: "moderate",
  }],
  model_version: "2.0.1",
  inference_time_ms: 120,
};
const PROBLEM_422 = {
  type: "urn:healthnav:problem:validation_failed",
  title: "Unprocessable Content",
  status: 422,
  detail: "The request body has invalid fields.",
  code: "validation_failed",
  request_id: "req-422",
  errors: [{
    path: "patient_data.age",
    code: "out_of_range",
    message: "must be between 0 and 130",
  }],
};

scenario(
  "this Hermes lacks the web APIs the client must not need",
  function () {
    ABSENT_HERE.forEach(function (name) {
      check(typeof globalThis[name] === "undefined", name + " to be absent");
    });
  },
);

scenario("every global the client reads exists here", function () {
  check(CLIENT_GLOBALS.length > 0, "a list of globals");
  CLIENT_GLOBALS.forEach(function (name) {
    check(typeof globalThis[name] !== "undefined", name + " to exist");
  });
});

scenario(
  "triage: POST with the body as given, the result as answered",
  async function () {
    const supabase = stubSupabase(function () {
      return answers.ok(200, RESULT);
    });
    const result = await HealthNav.createHealthNavClient(supabase).triage(
      TRIAGE,
    );
    same(result, RESULT, "result");
    same(
      [
        supabase.calls[0].name,
        supabase.calls[0].options.method,
        supabase.calls[0].options.body,
      ],
      ["sagemaker-triage", "POST", TRIAGE],
      "call",
    );
  },
);

scenario(
  "a 422 problem is a HealthNavError with its field errors and request id",
  async function () {
    const supabase = stubSupabase(function () {
      return answers.httpError(422, PROBLEM_422, { "x-request-id": "req-422" });
    });
    const error = await rejection(
      HealthNav.createHealthNavClient(supabase).triage(TRIAGE),
    );
    checkError(error, 422, "validation_failed");
    same(error.errors, PROBLEM_422.errors, "errors");
    same(
      [error.requestId, error.detail],
      ["req-422", PROBLEM_422.detail],
      "request id and detail",
    );
    check(error.message.indexOf("fever") < 0, "no request data in the message");
  },
);

scenario(
  "an answer that is not problem+json is http_<status>, with the header's request id",
  async function () {
    const supabase = stubSupabase(function () {
      return answers.httpError(502, "<html>Bad Gateway</html>", {
        "x-request-id": "req-502",
      });
    });
    const error = await rejection(
      HealthNav.createHealthNavClient(supabase).riskScore({ patient_data: {} }),
    );
    checkError(error, 502, "http_502");
    same(error.requestId, "req-502", "request id");
  },
);

scenario(
  "a relay error and a network failure are HealthNavErrors too",
  async function () {
    const relay = await rejection(
      HealthNav.createHealthNavClient(stubSupabase(function () {
        return answers.relayError(502);
      })).triage(TRIAGE),
    );
    checkError(relay, 502, "relay_error");
    const offline = await rejection(
      HealthNav.createHealthNavClient(stubSupabase(function () {
        return answers.fetchError();
      })).triage(TRIAGE),
    );
    checkError(offline, 0, "network_error");
    same(
      offline.cause && offline.cause.message,
      "Network request failed",
      "cause",
    );
  },
);

scenario(
  "429 with Retry-After is retried, at most maxRetries times; 503 without it is not",
  async function () {
    const throttled = { status: 429, code: "throttled", detail: "Slow down." };
    const twice = stubSupabase(function (_name, _options, n) {
      return n < 3
        ? answers.httpError(429, throttled, { "retry-after": "0" })
        : answers.ok(200, RESULT);
    });
    same(
      await HealthNav.createHealthNavClient(twice).triage(TRIAGE),
      RESULT,
      "result after two retries",
    );
    same(twice.calls.length, 3, "calls");

    const always = stubSupabase(function () {
      const past = new Date(Date.now() - 5000).toUTCString(); // an HTTP date: wait 0 s
      return answers.httpError(429, throttled, { "retry-after": past });
    });
    const error = await rejection(
      HealthNav.createHealthNavClient(always, { maxRetries: 1 }).triage(TRIAGE),
    );
    checkError(error, 429, "throttled");
    same(
      [always.calls.length, error.retryAfterSeconds],
      [2, 0],
      "calls and Retry-After",
    );

    const unavailable = stubSupabase(function () {
      return answers.httpError(503, {
        status: 503,
        code: "sagemaker_unavailable",
        detail: "x",
      });
    });
    checkError(
      await rejection(
        HealthNav.createHealthNavClient(unavailable).triage(TRIAGE),
      ),
      503,
      "sagemaker_unavailable",
    );
    same(unavailable.calls.length, 1, "no retry without Retry-After");
  },
);

scenario(
  "async: start gives a job; waiting polls GET, backing off while pending",
  async function () {
    const id = "v1.eyJvIjoiczM6Ly9iL28ifQ.c2lnbmF0dXJl";
    const supabase = stubSupabase(function (_name, _options, n) {
      if (n === 1) {
        return answers.ok(202, {
          status: "pending",
          id: id,
          inference_id: "inf-1",
        }, { "retry-after": "0" });
      }
      if (n < 4) return answers.ok(202, { status: "pending", id: id });
      return answers.ok(200, IMAGE_RESULT);
    });
    const healthNav = HealthNav.createHealthNavClient(supabase);
    const job = await healthNav.startImageAnalysis({
      image_data: "s3://b/k.png",
      image_type: "xray",
    });
    same(job, { id: id, inferenceId: "inf-1", retryAfterSeconds: 0 }, "job");
    same(supabase.calls[0].options.body.async, true, "async flag sent");
    const result = await healthNav.waitForImageAnalysis(job, {
      pollIntervalMs: 30,
      maxPollIntervalMs: 60,
    });
    same(result, IMAGE_RESULT, "result");
    const polls = supabase.calls.slice(1);
    same(
      polls.map(function (c) {
        return [c.name, c.options.method];
      }),
      [1, 2, 3].map(function () {
        return ["sagemaker-image-analysis/" + id, "GET"];
      }),
      "polls",
    );
    const gaps = [polls[1].at - polls[0].at, polls[2].at - polls[1].at];
    check(
      gaps[0] >= 25 && gaps[1] >= 55,
      "gaps of about 30 then 60 ms, got " + gaps,
    );
  },
);

scenario(
  "a cancelled wait rejects with aborted, and stops polling",
  async function () {
    const supabase = stubSupabase(function () {
      return answers.ok(202, { status: "pending", id: "v1.a.b" }, {
        "retry-after": "1",
      });
    });
    const controller = abortable();
    setTimeout(controller.abort, 50);
    const started = Date.now();
    const error = await rejection(
      HealthNav.createHealthNavClient(supabase).waitForImageAnalysis("v1.a.b", {
        signal: controller.signal,
      }),
    );
    checkError(error, 0, "aborted");
    check(Date.now() - started < 900, "cancelled before the 1 s Retry-After");
    same(supabase.calls.length, 1, "calls");
  },
);

scenario(
  "a call with no answer ends in timeout, without AbortController",
  async function () {
    const healthNav = HealthNav.createHealthNavClient(
      stubSupabase(answers.never),
      { timeoutMs: 40 },
    );
    checkError(await rejection(healthNav.triage(TRIAGE)), 0, "timeout");
  },
);

scenario(
  "a malformed result id and a non-JSON answer are refused",
  async function () {
    const healthNav = HealthNav.createHealthNavClient(stubSupabase(function () {
      return answers.ok(200, "plain text");
    }));
    checkError(
      await rejection(healthNav.waitForImageAnalysis("../sagemaker-triage")),
      0,
      "invalid_async_id",
    );
    checkError(
      await rejection(healthNav.triage(TRIAGE)),
      200,
      "invalid_response",
    );
  },
);

(async function () {
  let passed = 0;
  for (let i = 0; i < scenarios.length; i++) {
    try {
      await scenarios[i].run();
      passed++;
      print("ok - " + scenarios[i].name);
    } catch (error) {
      print("not ok - " + scenarios[i].name + ": " + error);
    }
  }
  print(
    "hermes: " + passed + " passed, " + (scenarios.length - passed) + " failed",
  );
})();
