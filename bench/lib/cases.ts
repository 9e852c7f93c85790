/**
 * Part 1 (CPU per request): the cases and, for each, the tasks of our module
 * and of the peers. Shared by bench/run.ts and the `deno bench` files, so
 * both time exactly the same calls.
 *
 * Before anything is timed, every contestant's output is checked: the
 * signers given the same job must agree with ours on the Authorization header
 * (the SDK signs two bookkeeping headers of its own and reads the clock, so
 * its signature differs; its signed header list is checked instead), and our
 * normaliser's input is a real answer of the local SageMaker stand-in to a
 * request our module signed.
 *
 * @module
 */
import {
  LOCAL_CREDENTIALS,
  startSageMakerStandIn,
} from "../../local/sagemaker_stand_in/mod.ts";
import type { UpstreamResponse } from "../../pkg/mod.js";
import {
  CREDENTIALS,
  IMAGE_URL,
  TIME_MS,
  TRIAGE_CLIENT_BODY,
} from "../cold/_job.ts";
import {
  FIVE_MB,
  imageBody,
  ONE_MB,
  SMALL_BODY_BYTES,
  triageClientBody,
} from "./bodies.ts";
import type { Task } from "./measure.ts";
import {
  createGateway,
  jobOf,
  prepareOurs,
  sha256HexNode,
  signAttemptOurs,
  signLargeOurs,
  signLargeOursSubtle,
  signOurs,
} from "./ours.ts";
import {
  createPeers,
  type PeerId,
  type SignedHeaders,
  type SignJob,
} from "./peers.ts";

/** The rows of part 1. */
export type CaseId = "prepare-1k" | "sign-1m" | "sign-5m" | "normalize";

/** Who a task measures. */
export type Role = "ours" | "peer" | "breakdown" | "baseline";

/** One timed call. */
export interface CaseTask extends Task {
  caseId: CaseId;
  role: Role;
  /** `ours`, a PeerId, or a breakdown/baseline name. */
  who: string;
  label: string;
}

/** Every task of part 1, checked and ready to time. */
export interface Part1 {
  tasks: CaseTask[];
  /** What the checks established, one line each. */
  checks: string[];
}

const decoder = new TextDecoder();

/** Builds and checks the part-1 tasks. */
export async function buildPart1(): Promise<Part1> {
  const checks: string[] = [];
  const gateway = createGateway();
  // Without credentials: prepare checks, builds and hashes, and signs nothing.
  const unsigned = createGateway(undefined, null);
  const imageGateway = createGateway(
    undefined,
    CREDENTIALS,
    "sagemaker-image-analysis",
  );
  const peers = createPeers();
  const tasks: CaseTask[] = [];
  const add = (
    caseId: CaseId,
    role: Role,
    who: string,
    label: string,
    async: boolean,
    run: () => unknown,
  ) =>
    tasks.push({
      id: `${caseId}/${who}`,
      caseId,
      role,
      who,
      label,
      async,
      run,
    });

  // 1 KB: validate + build + sign in one call (ours) against sign only (peers).
  const client1k = triageClientBody(gateway, SMALL_BODY_BYTES);
  const { invocation, signed } = prepareOurs(gateway, client1k);
  const job1k = jobOf(invocation);
  await checkAgreement("1 KB triage", job1k, signed, peers, checks);
  add(
    "prepare-1k",
    "ours",
    "ours",
    "gateway.prepare (validate + build + sign, one call)",
    false,
    () => prepareOurs(gateway, client1k),
  );
  for (const peer of peers) {
    add(
      "prepare-1k",
      "peer",
      peer.id,
      peer.label,
      true,
      () => peer.sign(job1k),
    );
  }
  // Where our 1 KB time goes.
  const sha1k = sha256HexNode(job1k.body);
  const retry = signAttemptOurs(gateway, job1k, sha1k);
  if (retry.authorization !== signed.authorization) {
    throw new Error("signAttempt disagrees with prepare's first signature");
  }
  add(
    "prepare-1k",
    "breakdown",
    "sign-attempt",
    "gateway.signAttempt (a retry: hash known, the gateway's signer)",
    false,
    () => signAttemptOurs(gateway, job1k, sha1k),
  );
  add(
    "prepare-1k",
    "breakdown",
    "validate",
    "gateway.validate (checks only)",
    false,
    () => gateway.validate(client1k),
  );
  add(
    "prepare-1k",
    "breakdown",
    "build",
    "gateway.prepare without credentials (checks + model body + hash)",
    false,
    () => unsigned.prepare(client1k, TIME_MS),
  );
  add(
    "prepare-1k",
    "breakdown",
    "sign-body",
    "signAwsRequest, 1 KB body hashed in wasm (the general signer)",
    false,
    () => signOurs(job1k),
  );
  add(
    "prepare-1k",
    "breakdown",
    "sign-sha",
    "signAwsRequest, bodySha256 given (the general signer)",
    false,
    () => signOurs(job1k, sha1k),
  );

  // 1 MB and 5 MB images: sign only, everyone.
  for (
    const [caseId, size] of [["sign-1m", ONE_MB], ["sign-5m", FIVE_MB]] as const
  ) {
    const job: SignJob = {
      url: IMAGE_URL,
      headers: [["content-type", "image/jpeg"], ["accept", "application/json"]],
      body: imageBody(size),
    };
    const ours = signLargeOurs(imageGateway, job);
    await checkAgreement(`${size / ONE_MB} MB image`, job, ours, peers, checks);
    add(
      caseId,
      "ours",
      "ours",
      "node:crypto SHA-256 + gateway.signAttempt",
      false,
      () => signLargeOurs(imageGateway, job),
    );
    for (const peer of peers) {
      add(caseId, "peer", peer.id, peer.label, true, () => peer.sign(job));
    }
    add(
      caseId,
      "breakdown",
      "subtle-hash",
      "crypto.subtle SHA-256 + gateway.signAttempt",
      true,
      () => signLargeOursSubtle(imageGateway, job),
    );
    add(
      caseId,
      "breakdown",
      "wasm-hash",
      "signAwsRequest with the body (SHA-256 in wasm)",
      false,
      () => signOurs(job),
    );
  }

  // Normalising a real triage answer of the stand-in.
  const answer = await standInTriageAnswer();
  checks.push(
    `normalize: input is the stand-in's ${answer.status} answer (${answer.body.byteLength} bytes) to a request signed by our module`,
  );
  const normalized = gateway.normalize(answer);
  if (!("urgency_score" in normalized)) {
    throw new Error("normalize did not return a triage result");
  }
  add(
    "normalize",
    "ours",
    "ours",
    "gateway.normalize",
    false,
    () => gateway.normalize(answer),
  );
  add(
    "normalize",
    "baseline",
    "json",
    "JSON.parse + JSON.stringify, no checks (what the peers' functions do at most)",
    false,
    () => JSON.stringify(JSON.parse(decoder.decode(answer.body))),
  );
  return { tasks, checks };
}

async function checkAgreement(
  what: string,
  job: SignJob,
  ours: SignedHeaders,
  peers: { id: PeerId; sign(job: SignJob): Promise<SignedHeaders> }[],
  checks: string[],
): Promise<void> {
  const expected = ours.authorization;
  if (!expected) {
    throw new Error(`${what}: our module returned no authorization`);
  }
  let sdkSigned = "";
  for (const peer of peers) {
    const got = (await peer.sign(job)).authorization ?? "";
    if (peer.id === "sdk") {
      sdkSigned = /SignedHeaders=([^,]+)/.exec(got)?.[1] ?? "";
      for (const name of ["accept", "content-type", "host", "x-amz-date"]) {
        if (!sdkSigned.split(";").includes(name)) {
          throw new Error(`${what}: the SDK did not sign ${name}: ${got}`);
        }
      }
      continue;
    }
    if (got !== expected) {
      throw new Error(
        `${what}: ${peer.id} disagrees with our module:\n  ours: ${expected}\n  peer: ${got}`,
      );
    }
  }
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(expected)?.[1];
  checks.push(
    `${what}: smithy (all three hashes) and aws4fetch return our Authorization byte for byte ` +
      `(SignedHeaders=${signedHeaders}, signature …${expected.slice(-12)}); ` +
      `the SDK reads the clock and signs SignedHeaders=${sdkSigned}`,
  );
}

/** Our module signs a triage request; the stand-in answers it. */
async function standInTriageAnswer(): Promise<UpstreamResponse> {
  const standIn = await startSageMakerStandIn({ log: () => {} });
  try {
    const gateway = createGateway(standIn.url, LOCAL_CREDENTIALS);
    const { invocation } = prepareOurs(
      gateway,
      new TextEncoder().encode(TRIAGE_CLIENT_BODY),
      Date.now(),
    );
    const started = performance.now();
    const response = await fetch(invocation.url, {
      method: "POST",
      headers: [
        ...invocation.headers,
        ...(invocation.firstAttemptSignature ?? []),
      ],
      body: invocation.body as BodyInit,
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(
        `the stand-in refused our request: ${response.status} ${
          decoder.decode(body)
        }`,
      );
    }
    return {
      status: response.status,
      headers: [...response.headers],
      body,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await standIn.close();
  }
}
