/**
 * The bad-input table: requests the gateway must refuse with a 4xx
 * problem+json before anything is sent to SageMaker, plus the few unusual
 * inputs it deliberately accepts, valid payloads for the three functions, and
 * the HTTP plumbing (fetch through the router, raw sockets for bodies that
 * lie about their length) that bad_input_test.ts, no_leak_test.ts and the
 * soak runner share.
 *
 * Every expectation comes from README.md (error table, field rules) and was
 * checked against the running stack. The stack must be started with
 * `IMAGE_S3_ALLOWED_BUCKETS=healthnav-images` ({@link STACK_ENV}).
 *
 * @module
 */

/** The three functions by Supabase slug. */
export const TRIAGE = "sagemaker-triage";
export const IMAGE = "sagemaker-image-analysis";
export const RISK = "sagemaker-risk-score";
export type Slug = typeof TRIAGE | typeof IMAGE | typeof RISK;
export const SLUGS: readonly Slug[] = [TRIAGE, IMAGE, RISK];

/** SageMaker's (and the gateway's) request body limit. */
export const MAX_BODY_BYTES = 6_291_456;

/** The only bucket image_data may name in these tests. */
export const ALLOWED_BUCKET = "healthnav-images";

/** An extra triage endpoint the operator lists, for the accepted routing case. */
export const EXTRA_TRIAGE_ENDPOINT = "medical-triage-xgboost";

/** Env the stack under test needs for the bucket and routing cases. */
export const STACK_ENV: Readonly<Record<string, string>> = {
  IMAGE_S3_ALLOWED_BUCKETS: ALLOWED_BUCKET,
  SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS: EXTRA_TRIAGE_ENDPOINT,
};

// ------------------------------------------------------------- image bytes

/** Just enough of each format for magic-byte detection. */
export const PNG_BYTES = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...new TextEncoder().encode("\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02"),
]);
export const JPEG_BYTES = new Uint8Array([
  0xff,
  0xd8,
  0xff,
  0xe0,
  0x00,
  0x10,
  ...new TextEncoder().encode("JFIF\0\x01\x01"),
]);
export const DICOM_BYTES = new Uint8Array([
  ...new Uint8Array(128),
  ...new TextEncoder().encode("DICM\x02\x00\x00\x00UL"),
]);
const GIF_BYTES = new TextEncoder().encode("GIF89a\x01\0\x01\0\0\0\0;");
const SVG_BYTES = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);
const ELF_BYTES = new TextEncoder().encode("\x7fELF\x02\x01\x01\0\0\0\0\0");

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// ---------------------------------------------------------- valid payloads

/** A valid body per function; every case below starts from one of these. */
export function validPayload(slug: Slug): Record<string, unknown> {
  switch (slug) {
    case TRIAGE:
      return {
        symptoms: ["fever", "cough"],
        patient_data: { age: 35, gender: "female" },
      };
    case IMAGE:
      return {
        image_data: `s3://${ALLOWED_BUCKET}/scans/chest-001.jpg`,
        image_type: "xray",
        analysis_type: "classification",
      };
    case RISK:
      return {
        patient_data: {
          age: 67,
          gender: "male",
          heart_rate_bpm: 112,
          systolic_bp_mmhg: 165,
          diastolic_bp_mmhg: 95,
          respiratory_rate_per_min: 24,
          temperature_c: 38.4,
          spo2_percent: 91,
          bmi: 31.2,
          smoking_status: "current",
          chronic_conditions: ["diabetes", "copd"],
        },
      };
  }
}

/** A valid body with changes: `patch` gets a deep copy to edit. */
export function edited(
  slug: Slug,
  patch: (body: Record<string, unknown>) => void,
): string {
  const body = structuredClone(validPayload(slug));
  patch(body);
  return JSON.stringify(body);
}

/** The object holding the patient fields of a triage or risk body. */
function patient(body: Record<string, unknown>): Record<string, unknown> {
  return body.patient_data as Record<string, unknown>;
}

// ------------------------------------------------------------------ cases

/** One field error the problem's `errors` must list. */
export type FieldExpectation = readonly [path: string, code: string];

/** How a case's request goes over the wire when fetch cannot say it. */
export interface RawTransport {
  /** `Content-Length` to declare (the truth or a lie); absent: chunked. */
  declaredLength?: number;
  /** Body bytes the client is willing to send, generated lazily. */
  offeredBytes: number;
  /** First bytes of the body; the rest is spaces. */
  prefix?: string;
  /** Half-close after sending everything offered (a body that ends early). */
  endEarly?: boolean;
  /** The gateway must answer before the client has sent more than this. */
  maxSentBytes: number;
}

/** A request the gateway must refuse, and how. */
export interface BadInputCase {
  name: string;
  slug: Slug;
  /** Default POST. */
  method?: string;
  /** Default `application/json`; `null` sends no Content-Type at all. */
  contentType?: string | null;
  /** Default: none. Strings are sent as UTF-8. */
  body?: string | Uint8Array;
  /** Send over a raw socket instead of fetch. */
  raw?: RawTransport;
  status: number;
  code: string;
  /** For validation_failed: exactly these field errors (in any order). */
  errors?: readonly FieldExpectation[];
  /** `errors` need only be included, not exhaustive. */
  someErrors?: boolean;
}

/** A request the gateway must accept (200 after one SageMaker call). */
export interface AcceptedCase {
  name: string;
  slug: Slug;
  contentType?: string;
  body: string;
}

const v = (
  name: string,
  slug: Slug,
  body: string,
  errors: readonly FieldExpectation[],
  someErrors = false,
): BadInputCase => ({
  name,
  slug,
  body,
  status: 422,
  code: "validation_failed",
  errors,
  someErrors,
});

const invalidJson = (
  name: string,
  slug: Slug,
  body: string | Uint8Array,
): BadInputCase => ({ name, slug, body, status: 400, code: "invalid_json" });

/** `depth` nested arrays: `[[…[]…]]`. */
function nestedArrays(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** A body of exactly `bytes` bytes: a valid body plus an unknown padding field. */
function paddedTo(slug: Slug, bytes: number): string {
  const head = edited(slug, (b) => {
    b.padding = "";
  });
  const text = head.slice(0, -2) + "x".repeat(bytes - head.length) + '"}';
  if (new TextEncoder().encode(text).length !== bytes) {
    throw new Error("padding arithmetic");
  }
  return text;
}

/** Malformed JSON, wrong framing and transport: the same for every function. */
function transportAndSyntaxCases(slug: Slug): BadInputCase[] {
  const valid = JSON.stringify(validPayload(slug));
  const c = (
    name: string,
    extra: Omit<BadInputCase, "name" | "slug">,
  ): BadInputCase => ({ name, slug, ...extra });
  return [
    // Methods and content types. Image analysis reads asynchronous results
    // with GET, so there a GET without an id is a 400.
    ...["GET", "PUT", "PATCH", "DELETE"].map((method) =>
      method === "GET" && slug === IMAGE
        ? c("GET without an id → 400", {
          method,
          status: 400,
          code: "missing_async_id",
        })
        : c(`${method} → 405`, {
          method,
          body: method === "GET" ? undefined : valid,
          status: 405,
          code: "method_not_allowed",
        })
    ),
    c("no Content-Type → 415", {
      contentType: null,
      body: new TextEncoder().encode(valid),
      status: 415,
      code: "unsupported_media_type",
    }),
    ...[
      "text/plain",
      "text/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonp",
      "application/json-patch+json",
      "application/problem+json",
      "application/xml",
      "json",
      "application/json, text/plain",
      "application/json5",
    ].map((contentType) =>
      c(`Content-Type ${JSON.stringify(contentType)} → 415`, {
        contentType,
        body: valid,
        status: 415,
        code: "unsupported_media_type",
      })
    ),
    // Empty and not-JSON bodies.
    c("no body → 400 empty_body", { status: 400, code: "empty_body" }),
    c("empty string → 400 empty_body", {
      body: "",
      status: 400,
      code: "empty_body",
    }),
    c("whitespace only → 400 empty_body", {
      body: " \r\n\t ",
      status: 400,
      code: "empty_body",
    }),
    invalidJson("truncated half-way", slug, valid.slice(0, valid.length / 2)),
    invalidJson("truncated by one byte", slug, valid.slice(0, -1)),
    invalidJson("a lone brace", slug, "{"),
    invalidJson("trailing comma", slug, valid.slice(0, -1) + ",}"),
    invalidJson("single quotes", slug, valid.replaceAll('"', "'")),
    invalidJson("a comment", slug, `/* hi */ ${valid}`),
    invalidJson("two documents", slug, `${valid}${valid}`),
    invalidJson("trailing garbage", slug, `${valid} x`),
    invalidJson("NaN token", slug, valid.replace(/}$/, ',"x":NaN}')),
    invalidJson("Infinity token", slug, valid.replace(/}$/, ',"x":Infinity}')),
    invalidJson(
      "-Infinity token",
      slug,
      valid.replace(/}$/, ',"x":-Infinity}'),
    ),
    invalidJson("1e400 overflows to infinity", slug, '{"x":1e400}'),
    invalidJson("a UTF-8 BOM before the JSON", slug, `\ufeff${valid}`),
    invalidJson("UTF-16 encoded", slug, utf16le(valid)),
    invalidJson(
      "invalid UTF-8 bytes",
      slug,
      new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    ),
    invalidJson("a raw NUL byte", slug, '{"x":"a\u0000b"}'),
    invalidJson("a raw newline inside a string", slug, '{"x":"a\nb"}'),
    invalidJson("a lone high surrogate escape", slug, '{"x":"\\ud800"}'),
    invalidJson("a lone low surrogate escape", slug, '{"x":"\\udc00"}'),
    invalidJson(
      "surrogates in the wrong order",
      slug,
      '{"x":"\\udc00\\ud800"}',
    ),
    invalidJson("a bad escape", slug, '{"x":"\\q"}'),
    invalidJson("duplicate key", slug, valid.replace(/}$/, ',"x":1,"x":2}')),
    invalidJson(
      "duplicate key spelt with an escape",
      slug,
      valid.replace(/}$/, ',"xy":1,"\\u0078y":2}'),
    ),
    invalidJson(
      "duplicate routing key",
      slug,
      valid.replace(
        /}$/,
        ',"endpoint":"medical-triage-endpoint","endpoint":"other"}',
      ),
    ),
    invalidJson("33 levels of nesting", slug, `{"x":${nestedArrays(32)}}`),
    invalidJson("100,000 levels of nesting", slug, nestedArrays(100_000)),
    invalidJson(
      "40 nested objects",
      slug,
      '{"x":'.repeat(40) + "1" + "}".repeat(40),
    ),
    // Not an object at the top.
    ...["null", "[]", "[{}]", '"text"', "42", "true"].map((body) =>
      v(`top-level ${body} → 422`, slug, body, [["", "invalid_type"]])
    ),
    // Depth 32 is still allowed: the limit is not off by one.
    v(
      "32 levels of nesting is parsed, then refused as unknown",
      slug,
      `{"x":${nestedArrays(31)}}`,
      [["x", "unknown_field"]],
      true,
    ),
    v(
      "unknown top-level field",
      slug,
      edited(slug, (b) => {
        b.extra = 1;
      }),
      [["extra", "unknown_field"]],
    ),
    v(
      "__proto__ as a field",
      slug,
      valid.replace(/}$/, ',"__proto__":{"admin":true}}'),
      [["__proto__", "unknown_field"]],
    ),
    v(
      "constructor as a field",
      slug,
      edited(slug, (b) => {
        (b as Record<string, unknown>)["constructor"] = "x";
      }),
      [["constructor", "unknown_field"]],
    ),
    v(
      "a body of exactly 6,291,456 bytes passes the cap and is validated",
      slug,
      paddedTo(slug, MAX_BODY_BYTES),
      [["padding", "unknown_field"]],
    ),
    // Over the cap: refused unread, whatever the client claims.
    c("streamed (chunked) 256 MiB body without Content-Length → 413", {
      raw: { offeredBytes: 256 * 1024 * 1024, maxSentBytes: 48 * 1024 * 1024 },
      status: 413,
      code: "body_too_large",
    }),
    c("Content-Length 256 MiB → 413 before the body is sent", {
      raw: {
        declaredLength: 256 * 1024 * 1024,
        offeredBytes: 256 * 1024 * 1024,
        maxSentBytes: 48 * 1024 * 1024,
      },
      status: 413,
      code: "body_too_large",
    }),
    c("Content-Length 6,291,457 (one over) → 413", {
      raw: {
        declaredLength: MAX_BODY_BYTES + 1,
        offeredBytes: MAX_BODY_BYTES + 1,
        maxSentBytes: MAX_BODY_BYTES + 1,
      },
      status: 413,
      code: "body_too_large",
    }),
    c("Content-Length lies low (5) about a whole body → only 5 bytes read", {
      raw: {
        declaredLength: 5,
        offeredBytes: valid.length,
        prefix: valid,
        maxSentBytes: valid.length,
      },
      status: 400,
      code: "invalid_json",
    }),
    c("Content-Length lies high, body ends early → 400, not 500", {
      raw: {
        declaredLength: 4096,
        offeredBytes: 20,
        prefix: valid.slice(0, 20),
        endEarly: true,
        maxSentBytes: 20,
      },
      status: 400,
      code: "invalid_json",
    }),
  ];
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[2 * i] = text.charCodeAt(i) & 0xff;
    bytes[2 * i + 1] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

/** `endpoint` and `variant`: path and header material. */
function routingCases(slug: Slug): BadInputCase[] {
  const withRouting = (field: "endpoint" | "variant", value: unknown) =>
    edited(slug, (b) => {
      b[field] = value;
    });
  const endpoint = (name: string, value: unknown, code: string) =>
    v(`endpoint ${name}`, slug, withRouting("endpoint", value), [[
      "endpoint",
      code,
    ]]);
  const variant = (name: string, value: unknown, code: string) =>
    v(`variant ${name}`, slug, withRouting("variant", value), [[
      "variant",
      code,
    ]]);
  return [
    endpoint("../x", "../x", "invalid_format"),
    endpoint("medical-x/../../y", "medical-x/../../y", "invalid_format"),
    endpoint("%2e%2e", "%2e%2e", "invalid_format"),
    endpoint(
      "medical-x%2F..%2F..%2Fy",
      "medical-x%2F..%2F..%2Fy",
      "invalid_format",
    ),
    endpoint("other-endpoint (not allowed)", "other-endpoint", "not_allowed"),
    endpoint(
      "Medical-triage-endpoint (case matters)",
      "Medical-triage-endpoint",
      "not_allowed",
    ),
    endpoint(
      "with CRLF header injection",
      "medical-triage-endpoint\r\nX-Injected: 1",
      "invalid_format",
    ),
    endpoint("with a NUL", "medical-triage\u0000", "invalid_format"),
    endpoint("with a tab", "medical-triage\tendpoint", "invalid_format"),
    endpoint("with a query", "medical-triage-endpoint?x=1", "invalid_format"),
    endpoint(
      "with a sub-path",
      "medical-triage-endpoint/invocations",
      "invalid_format",
    ),
    endpoint("an absolute URL", "http://169.254.169.254/x", "invalid_format"),
    endpoint("with a space", "medical triage", "invalid_format"),
    endpoint("with non-ASCII", "medical-tri\u00e4ge", "invalid_format"),
    endpoint("fullwidth dots", "medical-\uff0e\uff0e", "invalid_format"),
    endpoint("leading hyphen", "-medical-x", "invalid_format"),
    endpoint("trailing hyphen", "medical-", "invalid_format"),
    endpoint("64 characters", "medical-" + "a".repeat(56), "too_long"),
    endpoint("empty", "", "empty"),
    endpoint("a number", 7, "invalid_type"),
    endpoint("an array", ["medical-triage-endpoint"], "invalid_type"),
    // Each function reaches its own endpoints only: another function's, or
    // any name the guide's IAM pattern medical-* would have matched, is not.
    ...([
      "medical-triage-endpoint",
      "medical-image-classifier",
      "patient-risk-scorer",
      "medical-anything",
    ].filter((name) => !isDefaultEndpointOf(slug, name)).map((name) =>
      endpoint(`${name} (not this function's)`, name, "not_allowed")
    )),
    variant("with CRLF", "AllTraffic\r\nX-Injected: 1", "invalid_format"),
    variant("with a lone LF", "AllTraffic\nx", "invalid_format"),
    variant("with an underscore", "model_v1", "invalid_format"),
    variant("../v", "../v", "invalid_format"),
    variant("with a colon", "AllTraffic:1", "invalid_format"),
    variant("with a space", "model v1", "invalid_format"),
    variant(
      "non-ASCII",
      "\u043c\u043e\u0434\u0435\u043b\u044c",
      "invalid_format",
    ),
    variant("with U+2028", "model\u2028v1", "invalid_format"),
    variant("64 characters", "v".repeat(64), "too_long"),
    variant("empty", "", "empty"),
    variant("a number", 1, "invalid_type"),
    variant("an object", { name: "AllTraffic" }, "invalid_type"),
    // Only the variants the operator lists (the local stack: model-v1, model-v2).
    variant("AllTraffic (not listed)", "AllTraffic", "not_allowed"),
    variant("a canary nobody listed", "model-v3-canary", "not_allowed"),
  ];
}

function isDefaultEndpointOf(slug: Slug, name: string): boolean {
  return {
    [TRIAGE]: "medical-triage-endpoint",
    [IMAGE]: "medical-image-classifier",
    [RISK]: "patient-risk-scorer",
  }[slug] === name;
}

function triageCases(): BadInputCase[] {
  const s = TRIAGE;
  const symptoms = (name: string, value: unknown, errors: FieldExpectation[]) =>
    v(
      `symptoms ${name}`,
      s,
      edited(s, (b) => {
        b.symptoms = value;
      }),
      errors,
    );
  const one = (name: string, text: string, code: string) =>
    symptoms(name, [text], [["symptoms[0]", code]]);
  const age = (name: string, value: unknown, code: string) =>
    v(
      `age ${name}`,
      s,
      edited(s, (b) => {
        patient(b).age = value;
      }),
      [["patient_data.age", code]],
    );
  const ageRaw = (name: string, token: string, code: string) =>
    v(
      `age ${name}`,
      s,
      edited(s, (b) => {
        patient(b).age = "__AGE__";
      }).replace('"__AGE__"', token),
      [["patient_data.age", code]],
    );
  return [
    v(
      "symptoms missing",
      s,
      edited(s, (b) => {
        delete b.symptoms;
      }),
      [["symptoms", "required"]],
    ),
    symptoms("null", null, [["symptoms", "required"]]),
    symptoms("empty list", [], [["symptoms", "too_few_items"]]),
    symptoms("a string, not a list", "fever", [["symptoms", "invalid_type"]]),
    symptoms("21 items", Array(21).fill("fever"), [[
      "symptoms",
      "too_many_items",
    ]]),
    symptoms("5,000 items", Array(5000).fill("fever"), [[
      "symptoms",
      "too_many_items",
    ]]),
    symptoms("a number item", [1, "cough"], [["symptoms[0]", "invalid_type"]]),
    symptoms("a null item", ["cough", null], [["symptoms[1]", "invalid_type"]]),
    symptoms("an object item", [{ text: "cough" }], [[
      "symptoms[0]",
      "invalid_type",
    ]]),
    symptoms("every item bad at once", ["", 3, "a\nb"], [
      ["symptoms[0]", "empty"],
      ["symptoms[1]", "invalid_type"],
      ["symptoms[2]", "control_character"],
    ]),
    one("an empty string", "", "empty"),
    one("only spaces", "    ", "empty"),
    one("101 characters", "a".repeat(101), "too_long"),
    one(
      "101 emoji (101 characters, 202 UTF-16 units)",
      "🤒".repeat(101),
      "too_long",
    ),
    one("a 4 MB string", "a".repeat(4_000_000), "too_long"),
    one("with CRLF", "cough\r\nX-Injected: 1", "control_character"),
    one("with LF", "cough\nfever", "control_character"),
    one("with a tab", "cough\tfever", "control_character"),
    one("with NUL", "cough\u0000fever", "control_character"),
    one("with ESC (ANSI colour)", "\u001b[31mcough", "control_character"),
    one("with DEL", "cough\u007ffever", "control_character"),
    one("with NEL (U+0085) inside", "cough\u0085fever", "control_character"),
    one("with U+2028 line separator", "cough\u2028fever", "control_character"),
    one(
      "with U+2029 paragraph separator inside",
      "cough\u2029fever",
      "control_character",
    ),
    one("with RTL override U+202E", "\u202ehguoc", "control_character"),
    one("with LTR embedding U+202A", "\u202acough", "control_character"),
    one("with RTL isolate U+2067", "cough\u2067x\u2069", "control_character"),
    age("as a string", "45", "invalid_type"),
    age("as a numeric string with spaces", " 45 ", "invalid_type"),
    age('"NaN" as a string', "NaN", "invalid_type"),
    age('"Infinity" as a string', "Infinity", "invalid_type"),
    age("true", true, "invalid_type"),
    age("a list", [45], "invalid_type"),
    age("an object", { years: 45 }, "invalid_type"),
    age("null", null, "required"),
    age("-1", -1, "out_of_range"),
    age("-0.0001", -0.0001, "out_of_range"),
    age("130.5", 130.5, "out_of_range"),
    age("131", 131, "out_of_range"),
    age("1000", 1000, "out_of_range"),
    age("1e308", 1e308, "out_of_range"),
    age("-1e308", -1e308, "out_of_range"),
    ageRaw("2^64 (beyond u64)", "18446744073709551616", "out_of_range"),
    ageRaw("-2^63 - 1 (beyond i64)", "-9223372036854775809", "out_of_range"),
    v(
      "age missing",
      s,
      edited(s, (b) => {
        delete patient(b).age;
      }),
      [["patient_data.age", "required"]],
    ),
    v(
      "gender upper-case",
      s,
      edited(s, (b) => {
        patient(b).gender = "FEMALE";
      }),
      [["patient_data.gender", "invalid_value"]],
    ),
    v(
      "gender abbreviated",
      s,
      edited(s, (b) => {
        patient(b).gender = "f";
      }),
      [["patient_data.gender", "invalid_value"]],
    ),
    v(
      "gender a number",
      s,
      edited(s, (b) => {
        patient(b).gender = 1;
      }),
      [["patient_data.gender", "invalid_type"]],
    ),
    v(
      "patient_data a string",
      s,
      edited(s, (b) => {
        b.patient_data = "age 35";
      }),
      [["patient_data", "invalid_type"]],
    ),
    v(
      "patient_data a list",
      s,
      edited(s, (b) => {
        b.patient_data = [35, "female"];
      }),
      [["patient_data", "invalid_type"]],
    ),
    v(
      "unknown patient field (ssn)",
      s,
      edited(s, (b) => {
        patient(b).ssn = "000-00-0000";
      }),
      [["patient_data.ssn", "unknown_field"]],
    ),
    v(
      "age both flat and in patient_data",
      s,
      edited(s, (b) => {
        b.age = 35;
      }),
      [["age", "conflicting_field"]],
      true,
    ),
    v(
      "medical_history 31 items",
      s,
      edited(s, (b) => {
        patient(b).medical_history = Array(31).fill("asthma");
      }),
      [["patient_data.medical_history", "too_many_items"]],
    ),
    v(
      "medical_history item too long",
      s,
      edited(s, (b) => {
        patient(b).medical_history = ["x".repeat(101)];
      }),
      [["patient_data.medical_history[0]", "too_long"]],
    ),
    v(
      "current_medications a string",
      s,
      edited(s, (b) => {
        patient(b).current_medications = "aspirin";
      }),
      [["patient_data.current_medications", "invalid_type"]],
    ),
    v(
      "current_medications with CRLF inside",
      s,
      edited(s, (b) => {
        patient(b).current_medications = ["aspirin\r\n5 mg"];
      }),
      [["patient_data.current_medications[0]", "control_character"]],
    ),
    v(
      "several problems reported at once",
      s,
      JSON.stringify({
        symptoms: [],
        patient_data: { age: -1, gender: "x", weight: 80 },
        endpoint: "../x",
      }),
      [
        ["symptoms", "too_few_items"],
        ["patient_data.age", "out_of_range"],
        ["patient_data.gender", "invalid_value"],
        ["patient_data.weight", "unknown_field"],
        ["endpoint", "invalid_format"],
      ],
    ),
    v(
      "flat format with a bad age",
      s,
      JSON.stringify({ symptoms: ["cough"], age: "old", gender: "male" }),
      [["age", "invalid_type"]],
    ),
  ];
}

function imageCases(): BadInputCase[] {
  const s = IMAGE;
  const data = (name: string, value: unknown, code: string) =>
    v(
      `image_data ${name}`,
      s,
      edited(s, (b) => {
        b.image_data = value;
      }),
      [["image_data", code]],
    );
  const dataUrl = (mime: string, bytes: Uint8Array) =>
    `data:${mime};base64,${base64(bytes)}`;
  return [
    v(
      "image_data missing",
      s,
      edited(s, (b) => {
        delete b.image_data;
      }),
      [["image_data", "required"]],
    ),
    data("a number", 1, "invalid_type"),
    data("an object", { url: "s3://healthnav-images/x" }, "invalid_type"),
    data("empty", "", "empty"),
    data("spaces", "   ", "empty"),
    // Schemes other than s3:// and data:.
    data(
      "cloud metadata URL",
      "http://169.254.169.254/latest/meta-data/",
      "unsupported_scheme",
    ),
    data(
      "IPv6 metadata URL",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "unsupported_scheme",
    ),
    data("https URL", "https://example.com/x.jpg", "unsupported_scheme"),
    data("file:///etc/passwd", "file:///etc/passwd", "unsupported_scheme"),
    data("file:/etc/passwd", "file:/etc/passwd", "unsupported_scheme"),
    data("FILE:///etc/passwd", "FILE:///etc/passwd", "unsupported_scheme"),
    data("ftp URL", "ftp://example.com/x.jpg", "unsupported_scheme"),
    // Without "://" it is not a URL at all, so it must be base64: it is not.
    data("ftp: without slashes", "ftp:example.com/x.jpg", "invalid_base64"),
    data("gopher URL", "gopher://example.com/x", "unsupported_scheme"),
    data(
      "S3:// in capitals",
      "S3://healthnav-images/x.jpg",
      "unsupported_scheme",
    ),
    data("javascript: URL", "javascript:alert(1)", "invalid_base64"),
    data("scheme-relative URL", "//evil.example/x.jpg", "invalid_base64"),
    // Other buckets and malformed S3 URIs.
    data("another bucket", "s3://other-bucket/x.jpg", "not_allowed"),
    data(
      "a look-alike bucket",
      "s3://healthnav-images-public/x.jpg",
      "not_allowed",
    ),
    data(
      "the bucket as a subdomain of another",
      "s3://healthnav-images.evil.example/x.jpg",
      "not_allowed",
    ),
    data(
      "dot segments climbing out of the bucket",
      "s3://healthnav-images/../other-bucket/x.jpg",
      "invalid_s3_uri",
    ),
    data(
      "dot segments inside the key",
      "s3://healthnav-images/scans/../../other-bucket/x.jpg",
      "invalid_s3_uri",
    ),
    data("a lone . segment", "s3://healthnav-images/./x.jpg", "invalid_s3_uri"),
    data("no key", "s3://healthnav-images", "invalid_s3_uri"),
    data("an empty key", "s3://healthnav-images/", "invalid_s3_uri"),
    data(
      "a 1,025-byte key",
      `s3://healthnav-images/${"k".repeat(1025)}`,
      "invalid_s3_uri",
    ),
    data("an upper-case bucket", "s3://HealthNav-Images/x", "invalid_s3_uri"),
    data("an IP address bucket", "s3://169.254.169.254/x", "invalid_s3_uri"),
    data(
      "userinfo in the bucket",
      "s3://user@healthnav-images/x",
      "invalid_s3_uri",
    ),
    data(
      "a port in the bucket",
      "s3://healthnav-images:443/x",
      "invalid_s3_uri",
    ),
    data("a bucket of ..", "s3://../x", "invalid_s3_uri"),
    data(
      "CRLF in the key",
      "s3://healthnav-images/x.jpg\r\nX-Injected: 1",
      "control_character",
    ),
    data(
      "NUL in the key",
      "s3://healthnav-images/x\u0000.jpg",
      "control_character",
    ),
    // data: URLs and bytes whose type is not what they claim.
    data(
      "a data: URL without base64",
      "data:image/png,abc",
      "invalid_data_url",
    ),
    data(
      "a data: URL without a comma",
      "data:image/png;base64",
      "invalid_data_url",
    ),
    data(
      "data:text/html",
      dataUrl("text/html", new TextEncoder().encode("<h1>x</h1>")),
      "unsupported_image_format",
    ),
    data(
      "data:image/svg+xml",
      dataUrl("image/svg+xml", SVG_BYTES),
      "unsupported_image_format",
    ),
    data(
      "data:image/gif",
      dataUrl("image/gif", GIF_BYTES),
      "unsupported_image_format",
    ),
    data(
      "a charset parameter in the media type",
      dataUrl("image/png;charset=utf-8", PNG_BYTES),
      "unsupported_image_format",
    ),
    data(
      "PNG declared, JPEG bytes",
      dataUrl("image/png", JPEG_BYTES),
      "image_type_mismatch",
    ),
    data(
      "JPEG declared, PNG bytes",
      dataUrl("image/jpeg", PNG_BYTES),
      "image_type_mismatch",
    ),
    data(
      "image/jpg declared, PNG bytes",
      dataUrl("image/jpg", PNG_BYTES),
      "image_type_mismatch",
    ),
    data(
      "DICOM declared, JPEG bytes",
      dataUrl("application/dicom", JPEG_BYTES),
      "image_type_mismatch",
    ),
    data(
      "PNG declared, DICOM bytes",
      dataUrl("image/png", DICOM_BYTES),
      "image_type_mismatch",
    ),
    data(
      "PNG declared, GIF bytes",
      dataUrl("image/png", GIF_BYTES),
      "unsupported_image_format",
    ),
    data(
      "PNG declared, SVG bytes",
      dataUrl("image/png", SVG_BYTES),
      "unsupported_image_format",
    ),
    data(
      "PNG declared, ELF bytes",
      dataUrl("image/png", ELF_BYTES),
      "unsupported_image_format",
    ),
    data(
      "PNG declared, a truncated PNG signature",
      dataUrl("image/png", PNG_BYTES.subarray(0, 4)),
      "unsupported_image_format",
    ),
    data("bare base64 of a GIF", base64(GIF_BYTES), "unsupported_image_format"),
    data(
      "bare base64 of text",
      btoa("hello, world"),
      "unsupported_image_format",
    ),
    data(
      "bare base64 of 3 MB of zeros",
      "A".repeat(4_000_000),
      "unsupported_image_format",
    ),
    data("not base64", "not base64!!", "invalid_base64"),
    data(
      "base64 with a stray character",
      base64(PNG_BYTES) + "*",
      "invalid_base64",
    ),
    data(
      "base64 of an impossible length",
      withImpossibleLength(base64(PNG_BYTES)),
      "invalid_base64",
    ),
    data(
      "a PNG data URL with bad base64",
      "data:image/png;base64,%%%",
      "invalid_base64",
    ),
    v(
      "image_type unknown",
      s,
      edited(s, (b) => {
        b.image_type = "gif";
      }),
      [["image_type", "invalid_value"]],
    ),
    v(
      "image_type upper-case",
      s,
      edited(s, (b) => {
        b.image_type = "XRAY";
      }),
      [["image_type", "invalid_value"]],
    ),
    v(
      "image_type missing",
      s,
      edited(s, (b) => {
        delete b.image_type;
      }),
      [["image_type", "required"]],
    ),
    v(
      "analysis_type unsupported",
      s,
      edited(s, (b) => {
        b.analysis_type = "segmentation";
      }),
      [["analysis_type", "invalid_value"]],
    ),
    v(
      "analysis_type a number",
      s,
      edited(s, (b) => {
        b.analysis_type = 1;
      }),
      [["analysis_type", "invalid_type"]],
    ),
    invalidJson(
      "image_data twice: allowed bucket, then metadata URL",
      s,
      `{"image_type":"xray","image_data":"s3://healthnav-images/x.jpg","image_data":"http://169.254.169.254/"}`,
    ),
  ];
}

/** Unpadded base64 with one character too many: no byte count encodes to it. */
function withImpossibleLength(encoded: string): string {
  const bare = encoded.replace(/=+$/, "");
  return bare + "A".repeat(((1 - bare.length) % 4 + 4) % 4 || 4);
}

function riskCases(): BadInputCase[] {
  const s = RISK;
  const field = (name: string, key: string, value: unknown, code: string) =>
    v(
      `${key} ${name}`,
      s,
      edited(s, (b) => {
        patient(b)[key] = value;
      }),
      [[`patient_data.${key}`, code]],
    );
  return [
    v(
      "patient_data missing",
      s,
      JSON.stringify({}),
      [["patient_data", "required"]],
    ),
    v("patient_data empty", s, JSON.stringify({ patient_data: {} }), [
      ["patient_data.age", "required"],
      ["patient_data.gender", "required"],
      ["patient_data.heart_rate_bpm", "required"],
      ["patient_data.systolic_bp_mmhg", "required"],
      ["patient_data.diastolic_bp_mmhg", "required"],
      ["patient_data.respiratory_rate_per_min", "required"],
      ["patient_data.temperature_c", "required"],
      ["patient_data.spo2_percent", "required"],
    ]),
    field("as a string", "heart_rate_bpm", "112", "invalid_type"),
    field("with a unit", "spo2_percent", "91%", "invalid_type"),
    field("below range", "heart_rate_bpm", 19, "out_of_range"),
    field("above range", "heart_rate_bpm", 251, "out_of_range"),
    field("in Fahrenheit", "temperature_c", 101.2, "out_of_range"),
    field("over 100", "spo2_percent", 101, "out_of_range"),
    field("as a fraction", "spo2_percent", 0.91, "out_of_range"),
    field("absurd", "systolic_bp_mmhg", 1e9, "out_of_range"),
    field("negative", "respiratory_rate_per_min", -4, "out_of_range"),
    field("negative", "age", -5, "out_of_range"),
    field("absurd", "age", 4000, "out_of_range"),
    field("as a string", "age", "67", "invalid_type"),
    field("below range", "bmi", 5, "out_of_range"),
    field("as a string", "bmi", "31.2", "invalid_type"),
    field("unknown value", "smoking_status", "yes", "invalid_value"),
    field("a boolean", "smoking_status", true, "invalid_type"),
    field("a string", "chronic_conditions", "diabetes", "invalid_type"),
    field(
      "10 items",
      "chronic_conditions",
      Array(10).fill("diabetes"),
      "too_many_items",
    ),
    v(
      "chronic_conditions unknown value",
      s,
      edited(s, (b) => {
        patient(b).chronic_conditions = ["lupus"];
      }),
      [["patient_data.chronic_conditions[0]", "invalid_value"]],
    ),
    v(
      "chronic_conditions duplicated",
      s,
      edited(s, (b) => {
        patient(b).chronic_conditions = ["diabetes", "diabetes"];
      }),
      [["patient_data.chronic_conditions[1]", "duplicate"]],
    ),
    v(
      "diastolic not below systolic",
      s,
      edited(s, (b) => {
        patient(b).systolic_bp_mmhg = 120;
        patient(b).diastolic_bp_mmhg = 120;
      }),
      [["patient_data.diastolic_bp_mmhg", "inconsistent"]],
    ),
    v(
      "a patient name",
      s,
      edited(s, (b) => {
        patient(b).name = "Jane Doe";
      }),
      [["patient_data.name", "unknown_field"]],
    ),
    v(
      "triage fields sent to risk",
      s,
      edited(s, (b) => {
        b.symptoms = ["cough"];
      }),
      [["symptoms", "unknown_field"]],
    ),
    v(
      "flat vitals without patient_data",
      s,
      JSON.stringify(validPayload(s).patient_data),
      [["patient_data", "required"]],
      true,
    ),
  ];
}

/** Every bad-input case, in a stable order. */
export function badInputCases(): BadInputCase[] {
  return [
    ...SLUGS.flatMap((slug) => [
      ...transportAndSyntaxCases(slug),
      ...routingCases(slug),
    ]),
    ...triageCases(),
    ...imageCases(),
    ...riskCases(),
  ];
}

/**
 * Unusual inputs that are deliberately accepted. Decisions, per README's
 * rule "strings may not contain control, line-separator or
 * bidirectional-override characters" and its image rules:
 *
 * - emoji, ZWJ sequences, zero-width space/joiner, U+FEFF inside a string,
 *   LRM/RLM marks, combining marks, RTL scripts and CJK are ordinary text;
 * - limits count characters (code points), not bytes or UTF-16 units;
 * - Unicode whitespace (NBSP, and NEL / U+2029 / CRLF at either end) is
 *   trimmed like ASCII spaces, so what is trimmed never reaches the model;
 * - Content-Type parameters and case do not matter;
 * - a data: URL's media type is case-insensitive; base64 may be wrapped.
 */
export function acceptedCases(): AcceptedCase[] {
  const triage = (name: string, symptom: string): AcceptedCase => ({
    name,
    slug: TRIAGE,
    body: edited(TRIAGE, (b) => {
      b.symptoms = [symptom, "cough"];
    }),
  });
  const image = (name: string, imageData: string): AcceptedCase => ({
    name,
    slug: IMAGE,
    body: edited(IMAGE, (b) => {
      b.image_data = imageData;
    }),
  });
  const wrapped = base64(PNG_BYTES).replace(/(.{8})/g, "$1\n");
  return [
    triage("an emoji", "🤒 fever"),
    triage("100 emoji (100 characters, 400 bytes)", "🤒".repeat(100)),
    triage("a ZWJ emoji sequence", "👩‍⚕️ said fever"),
    triage("a zero-width space", "fe\u200bver"),
    triage("a zero-width joiner", "fe\u200dver"),
    triage("U+FEFF inside a string", "\ufefffever"),
    triage("an RLM mark", "fever\u200f"),
    triage("a combining accent", "fe\u0301ver"),
    triage("Arabic", "\u062d\u0645\u0649"),
    triage("Hebrew", "\u05d7\u05d5\u05dd"),
    triage("Japanese", "\u767a\u71b1"),
    triage("an astral-plane letter", "\u{1d523}ever"),
    {
      ...triage("an escaped surrogate pair", "__PAIR__"),
      body: edited(TRIAGE, (b) => {
        b.symptoms = ["__PAIR__"];
      }).replace("__PAIR__", "\\ud83e\\udd12"),
    },
    triage("NBSP around the text (trimmed)", "\u00a0fever\u00a0"),
    triage("a trailing CRLF (trimmed)", "fever\r\n"),
    triage("a trailing NEL, U+0085 (trimmed)", "fever\u0085"),
    triage("a trailing U+2029 (trimmed)", "fever\u2029"),
    {
      name: "Content-Type with charset",
      slug: TRIAGE,
      contentType: "application/json; charset=utf-8",
      body: JSON.stringify(validPayload(TRIAGE)),
    },
    {
      name: "Content-Type in capitals",
      slug: RISK,
      contentType: "APPLICATION/JSON",
      body: JSON.stringify(validPayload(RISK)),
    },
    {
      name: "an allowed endpoint and variant",
      slug: TRIAGE,
      body: edited(TRIAGE, (b) => {
        b.endpoint = EXTRA_TRIAGE_ENDPOINT;
        b.variant = "model-v1";
      }),
    },
    {
      name: "endpoint and variant null (absent)",
      slug: RISK,
      body: edited(RISK, (b) => {
        b.endpoint = null;
        b.variant = null;
      }),
    },
    image("an inline PNG", `data:image/png;base64,${base64(PNG_BYTES)}`),
    image(
      "a media type in capitals",
      `data:IMAGE/PNG;base64,${base64(PNG_BYTES)}`,
    ),
    image("base64 wrapped every 8 characters", wrapped),
    image("bare base64 of a JPEG", base64(JPEG_BYTES)),
    image(
      "a DICOM data URL",
      `data:application/dicom;base64,${base64(DICOM_BYTES)}`,
    ),
    image(
      "a key with non-ASCII letters",
      `s3://${ALLOWED_BUCKET}/scans/chest-x-ray-\u00e9.jpg`,
    ),
    image(
      "a key with .. inside a name",
      `s3://${ALLOWED_BUCKET}/scans/a..b.jpg`,
    ),
  ];
}

// ------------------------------------------------------------------- HTTP

/** A response with its body read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or null when it is not JSON. */
  json: Record<string, unknown> | null;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : null;
  } catch {
    return null;
  }
}

/** Sends one request to `/functions/v1/<slug>` with fetch. */
export async function send(
  baseUrl: string,
  token: string,
  slug: Slug,
  request: {
    method?: string;
    contentType?: string | null;
    body?: string | Uint8Array;
    headers?: Record<string, string>;
  },
): Promise<Answer> {
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${token}`);
  const contentType = request.contentType === undefined
    ? "application/json"
    : request.contentType;
  let body: BodyInit | undefined;
  if (request.body !== undefined) {
    // Bytes keep fetch from adding a Content-Type of its own.
    body = (typeof request.body === "string"
      ? new TextEncoder().encode(request.body)
      : request.body) as unknown as BodyInit;
  }
  if (contentType !== null) headers.set("content-type", contentType);
  const response = await fetch(`${baseUrl}/functions/v1/${slug}`, {
    method: request.method ?? "POST",
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: parseJson(text),
  };
}

/** A raw-socket exchange: the answer plus how much of the body went out. */
export interface RawAnswer extends Answer {
  sentBodyBytes: number;
}

const CRLF = "\r\n";

/**
 * Sends a request over a plain TCP socket so the body can lie about its
 * length or be larger than anyone should buffer. Body bytes are produced
 * lazily in 64 KiB pieces and sending stops as soon as any answer arrives
 * (or the server stops reading). Returns the first response.
 */
export async function sendRaw(
  baseUrl: string,
  token: string,
  slug: Slug,
  transport: RawTransport,
  contentType: string | null = "application/json",
  extraHeaders: Record<string, string> = {},
): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(port),
  });
  const encoder = new TextEncoder();
  const chunked = transport.declaredLength === undefined;
  const head = [
    `POST /functions/v1/${slug} HTTP/1.1`,
    "Host: 127.0.0.1",
    `Authorization: Bearer ${token}`,
    ...(contentType === null ? [] : [`Content-Type: ${contentType}`]),
    // Before the framing header: Deno 2.1 keeps a Content-Length that
    // precedes Transfer-Encoding (and drops one that follows it).
    ...Object.entries(extraHeaders).map(([name, value]) => `${name}: ${value}`),
    chunked
      ? "Transfer-Encoding: chunked"
      : `Content-Length: ${transport.declaredLength}`,
    "",
    "",
  ].join(CRLF);

  let received = new Uint8Array(0);
  let answered = false;
  const reading = (async () => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        const next = new Uint8Array(received.length + n);
        next.set(received);
        next.set(buffer.subarray(0, n), received.length);
        received = next;
        answered = true;
        if (completeResponse(received) !== null) break;
      }
    } catch {
      // A reset after the answer: what arrived is what we judge.
    }
  })();

  const writeAll = async (bytes: Uint8Array) => {
    let offset = 0;
    while (offset < bytes.length) {
      offset += await conn.write(bytes.subarray(offset));
    }
  };
  let sent = 0;
  try {
    await writeAll(encoder.encode(head));
    const prefix = encoder.encode(transport.prefix ?? "");
    const piece = 64 * 1024;
    while (sent < transport.offeredBytes && !answered) {
      const size = Math.min(piece, transport.offeredBytes - sent);
      const chunk = new Uint8Array(size).fill(0x20);
      if (sent < prefix.length) {
        chunk.set(prefix.subarray(sent, sent + size));
      }
      await writeAll(
        chunked
          ? concat(
            encoder.encode(size.toString(16) + CRLF),
            chunk,
            encoder.encode(CRLF),
          )
          : chunk,
      );
      sent += size;
    }
    if (chunked && !answered && !transport.endEarly) {
      await writeAll(encoder.encode(`0${CRLF}${CRLF}`));
    }
    if (transport.endEarly && !answered) await conn.closeWrite();
  } catch {
    // The server stopped reading (EPIPE / reset): it has answered or will.
  }
  const timer = setTimeout(() => conn.close(), 10_000);
  await reading;
  clearTimeout(timer);
  try {
    conn.close();
  } catch {
    // Closed by the timer already.
  }
  const response = completeResponse(received);
  if (response === null) {
    throw new Error(
      `no complete response after ${sent} body bytes: ${
        JSON.stringify(new TextDecoder().decode(received.subarray(0, 200)))
      }`,
    );
  }
  return { ...response, sentBodyBytes: sent };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Parses an HTTP/1.1 response with a Content-Length body, if all there. */
function completeResponse(bytes: Uint8Array): Answer | null {
  const text = new TextDecoder().decode(bytes);
  const end = text.indexOf(CRLF + CRLF);
  if (end < 0) return null;
  const [statusLine, ...lines] = text.slice(0, end).split(CRLF);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const length = Number(headers.get("content-length") ?? "0");
  const body = bytes.subarray(
    new TextEncoder().encode(text.slice(0, end + 4)).length,
  );
  if (body.length < length) return null;
  const bodyText = new TextDecoder().decode(body.subarray(0, length));
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    text: bodyText,
    json: parseJson(bodyText),
  };
}
