// Sign every case in cases.json with @smithy/signature-v4 (the AWS SDK for JS v3 signer)
// and write out/smithy.json. Run with node 20 after `npm ci` in this folder.
//
// Settings (see README): s3 -> { uriEscapePath: false, applyChecksum: true } as the S3 client does;
// other services -> { uriEscapePath: true, applyChecksum: false }. (The JS SDK itself leaves
// applyChecksum at its default `true` for every service, which adds a signed x-amz-content-sha256;
// botocore and the Rust SDK add it for S3 only, so non-S3 cases turn it off. The case
// "sagemaker-explicit-content-sha256" pins the JS-SDK-style request instead.)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

const here = new URL(".", import.meta.url);
const version = JSON.parse(
  readFileSync(new URL("node_modules/@smithy/signature-v4/package.json", here), "utf8"),
).version;

// Captures the canonical request and string to sign for the fixture.
class RecordingSigner extends SignatureV4 {
  createCanonicalRequest(...args) {
    return (this.canonicalRequest = super.createCanonicalRequest(...args));
  }
  async createStringToSign(...args) {
    return (this.stringToSign = await super.createStringToSign(...args));
  }
}

function bodyBytes(body) {
  switch (body.kind) {
    case "empty": return undefined;
    case "utf8": return new Uint8Array(Buffer.from(body.text, "utf8"));
    case "base64": return new Uint8Array(Buffer.from(body.data, "base64"));
    case "pattern": return Uint8Array.from({ length: body.length }, (_, i) => i % 251);
    default: throw new Error(`unknown body kind ${body.kind}`);
  }
}

// Wire query string -> the decoded name/value map the SDK keeps in HttpRequest.query.
function parseQuery(search) {
  const query = {};
  for (const pair of search.replace(/^\?/, "").split("&").filter(Boolean)) {
    const [k, v = ""] = pair.split(/=(.*)/s).map(decodeURIComponent);
    query[k] = k in query ? [].concat(query[k], v) : v;
  }
  return query;
}

async function sign(c) {
  const url = new URL(c.url);
  const s3 = c.service === "s3";
  const settings = { uriEscapePath: !s3, applyChecksum: s3 };
  const signer = new RecordingSigner({
    ...settings,
    service: c.service,
    region: c.region,
    credentials: c.credentials,
    sha256: Sha256,
  });
  const headers = Object.fromEntries(c.headers);
  // Like the SDK's host-header middleware: hostname plus the port when the URL has a non-default one.
  headers.host = url.host;
  const request = {
    method: c.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: parseQuery(url.search),
    headers,
    body: bodyBytes(c.body),
  };
  const signed = await signer.sign(request, { signingDate: new Date(c.timeMs) });
  const h = signed.headers;
  const result = {
    authorization: h.authorization,
    "x-amz-date": h["x-amz-date"],
    signedHeaders: h.authorization.split("SignedHeaders=")[1].split(",")[0],
    canonicalRequest: signer.canonicalRequest,
    stringToSign: signer.stringToSign,
    settings,
  };
  // smithy adds its headers in lower case and leaves a caller's stale,
  // differently-cased copy beside them (X-Amz-Security-Token and
  // x-amz-security-token both sent); its canonical request signs the value it
  // added, the last key, which is the one recorded.
  for (const name of ["x-amz-security-token", "x-amz-content-sha256"]) {
    const key = Object.keys(h).findLast((k) => k.toLowerCase() === name);
    if (key) result[name] = h[key];
  }
  return result;
}

const { cases } = JSON.parse(readFileSync(new URL("cases.json", here), "utf8"));
const results = {};
for (const c of cases) results[c.name] = await sign(c);
const out = { signer: `@smithy/signature-v4 ${version}`, results };
mkdirSync(new URL("out/", here), { recursive: true });
writeFileSync(new URL("out/smithy.json", here), JSON.stringify(out, null, 2) + "\n");
console.error(`${out.signer}: signed ${cases.length} cases -> out/smithy.json`);
