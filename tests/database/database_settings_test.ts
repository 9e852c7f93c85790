/**
 * The audit and quota settings: defaults, per-function overrides, and
 * refusals that name the variable and never its value.
 *
 * Run: deno test tests/database/database_settings_test.ts
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../edge/_shared/config.ts";
import {
  DATABASE_ENV,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_POOL_MAX,
  DEFAULT_QUERY_TIMEOUT_MS,
  quotaPerMinuteFor,
  readDatabaseSettings,
} from "../../edge/_shared/database_settings.ts";

const URL_WITH_PASSWORD =
  "postgresql://postgres.abcdefghijklmnop:s3cret-Pa55word@aws-0-eu-west-1.pooler.supabase.com:6543/postgres";

function read(env: Record<string, string>) {
  return readDatabaseSettings((name) => env[name]);
}

Deno.test("unset, there is no audit trail and no quota", () => {
  assert.deepEqual(read({}), {
    connection: null,
    quotaPerMinute: {
      "sagemaker-triage": null,
      "sagemaker-image-analysis": null,
      "sagemaker-risk-score": null,
    },
    failOpen: false,
  });
});

Deno.test("with SUPABASE_DB_URL, the pool has its defaults and quotas stay off", () => {
  const settings = read({ SUPABASE_DB_URL: URL_WITH_PASSWORD });
  assert.deepEqual(settings.connection, {
    url: URL_WITH_PASSWORD,
    poolMax: DEFAULT_POOL_MAX,
    connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: DEFAULT_QUERY_TIMEOUT_MS,
    idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
  });
  assert.equal(quotaPerMinuteFor(settings, "sagemaker-triage"), null);
  assert.equal(settings.failOpen, false);
});

Deno.test("CALLER_QUOTA_PER_MINUTE applies to every function unless one overrides it", () => {
  const settings = read({
    SUPABASE_DB_URL: URL_WITH_PASSWORD,
    CALLER_QUOTA_PER_MINUTE: "30",
    CALLER_QUOTA_PER_MINUTE_IMAGE_ANALYSIS: "5",
    CALLER_QUOTA_PER_MINUTE_RISK_SCORE: "off",
    AUDIT_FAIL_OPEN: "true",
    DATABASE_POOL_MAX: "1",
    DATABASE_QUERY_TIMEOUT_MS: "750",
  });
  assert.deepEqual(settings.quotaPerMinute, {
    "sagemaker-triage": 30,
    "sagemaker-image-analysis": 5,
    "sagemaker-risk-score": null,
  });
  assert.equal(quotaPerMinuteFor(settings, "sagemaker-image-analysis"), 5);
  assert.equal(settings.failOpen, true);
  assert.equal(settings.connection?.poolMax, 1);
  assert.equal(settings.connection?.queryTimeoutMs, 750);
});

Deno.test("an override alone sets a quota for that function only", () => {
  const settings = read({
    SUPABASE_DB_URL: URL_WITH_PASSWORD,
    CALLER_QUOTA_PER_MINUTE_TRIAGE: "12",
  });
  assert.deepEqual(settings.quotaPerMinute, {
    "sagemaker-triage": 12,
    "sagemaker-image-analysis": null,
    "sagemaker-risk-score": null,
  });
});

Deno.test("bad values are refused by variable name, never quoting the value", () => {
  const cases: [Record<string, string>, string][] = [
    [{ SUPABASE_DB_URL: "s3cret-Pa55word" }, DATABASE_ENV.url],
    [
      { SUPABASE_DB_URL: "https://user:s3cret-Pa55word@example.com/" },
      DATABASE_ENV.url,
    ],
    [
      { SUPABASE_DB_URL: URL_WITH_PASSWORD, CALLER_QUOTA_PER_MINUTE: "0" },
      DATABASE_ENV.quotaPerMinute,
    ],
    [
      { SUPABASE_DB_URL: URL_WITH_PASSWORD, CALLER_QUOTA_PER_MINUTE: "off" },
      DATABASE_ENV.quotaPerMinute,
    ],
    [
      {
        SUPABASE_DB_URL: URL_WITH_PASSWORD,
        CALLER_QUOTA_PER_MINUTE_TRIAGE: "ten",
      },
      DATABASE_ENV.quotaPerMinuteTriage,
    ],
    [
      { SUPABASE_DB_URL: URL_WITH_PASSWORD, AUDIT_FAIL_OPEN: "yes" },
      DATABASE_ENV.failOpen,
    ],
    [
      { SUPABASE_DB_URL: URL_WITH_PASSWORD, DATABASE_POOL_MAX: "500" },
      DATABASE_ENV.poolMax,
    ],
    [
      { SUPABASE_DB_URL: URL_WITH_PASSWORD, DATABASE_CONNECT_TIMEOUT_MS: "5s" },
      DATABASE_ENV.connectTimeoutMs,
    ],
    [{ CALLER_QUOTA_PER_MINUTE: "10" }, DATABASE_ENV.quotaPerMinute],
    [
      { CALLER_QUOTA_PER_MINUTE_RISK_SCORE: "10" },
      DATABASE_ENV.quotaPerMinuteRisk,
    ],
  ];
  for (const [env, variable] of cases) {
    assert.throws(() => read(env), (error) => {
      assert.ok(error instanceof ConfigError, JSON.stringify(env));
      assert.equal(error.variable, variable);
      // Numbers may meet the stated range ("from 1 to 100000"); words may not.
      for (const value of Object.values(env).filter((v) => !/^\d+$/.test(v))) {
        assert.ok(!error.message.includes(value), error.message);
      }
      assert.ok(!error.message.includes("s3cret-Pa55word"));
      return true;
    });
  }
});
