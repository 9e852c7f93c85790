/**
 * The peers, each set up once and then asked to sign one SageMaker
 * InvokeEndpoint request: `sign(job)` resolves to the headers to send.
 *
 * - `@smithy/signature-v4` with three SHA-256 back ends (node:crypto,
 *   `@aws-crypto/sha256-js`, WebCrypto);
 * - aws4fetch `AwsClient.sign`;
 * - the AWS SDK v3 `client.send(InvokeEndpointCommand)`, with a middleware
 *   placed right after the SDK's signing middleware that captures the signed
 *   request and answers without touching the network.
 *
 * These are dev-only dependencies of the benchmark (deno.json import map,
 * bench/npm/package.json for the bundles); the functions never import them.
 *
 * @module
 */
import { Sha256 as JsSha256 } from "@aws-crypto/sha256-js";
import {
  InvokeEndpointCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsClient } from "aws4fetch";
import {
  AMZ_DATE,
  CREDENTIALS,
  REGION,
  SERVICE,
  TIME_MS,
} from "../cold/_job.ts";
import { NodeSha256 } from "./node_sha256.ts";
import { WebCryptoSha256 } from "./webcrypto_sha256.ts";

/** One request to sign: what every contestant gets. */
export interface SignJob {
  url: string;
  /** Headers to send and sign besides host and x-amz-date. */
  headers: [string, string][];
  body: Uint8Array;
}

/** Headers a signer adds or returns, lower-cased. */
export type SignedHeaders = Record<string, string>;

/** A peer, ready to sign. */
export interface Peer {
  id: PeerId;
  label: string;
  sign(job: SignJob): Promise<SignedHeaders>;
}

/** The peers, in table order. */
export const PEER_IDS = [
  "smithy-node",
  "smithy-js",
  "smithy-webcrypto",
  "aws4fetch",
  "sdk",
] as const;
/** One of {@link PEER_IDS}. */
export type PeerId = typeof PEER_IDS[number];

/** Short column labels. */
export const PEER_LABELS: Record<PeerId, string> = {
  "smithy-node": "smithy + node:crypto",
  "smithy-js": "smithy + sha256-js",
  "smithy-webcrypto": "smithy + WebCrypto",
  "aws4fetch": "aws4fetch",
  "sdk": "AWS SDK v3",
};

type HashConstructor = new (
  secret?: string | ArrayBuffer | ArrayBufferView,
) => {
  update(data: string | ArrayBuffer | ArrayBufferView): void;
  digest(): Promise<Uint8Array>;
  reset(): void;
};

function smithyPeer(id: PeerId, sha256: HashConstructor): Peer {
  const signer = new SignatureV4({
    credentials: CREDENTIALS,
    region: REGION,
    service: SERVICE,
    sha256,
    // SageMaker's canonical request: path encoded twice, no x-amz-content-sha256.
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signingDate = new Date(TIME_MS);
  return {
    id,
    label: PEER_LABELS[id],
    async sign(job) {
      const url = new URL(job.url);
      const headers: Record<string, string> = { host: url.host };
      for (const [name, value] of job.headers) headers[name] = value;
      const signed = await signer.sign(
        new HttpRequest({
          method: "POST",
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: url.pathname,
          headers,
          body: job.body,
        }),
        { signingDate },
      );
      return lowerCased(signed.headers);
    },
  };
}

function aws4fetchPeer(): Peer {
  const client = new AwsClient({
    ...CREDENTIALS,
    region: REGION,
    service: SERVICE,
  });
  return {
    id: "aws4fetch",
    label: PEER_LABELS.aws4fetch,
    async sign(job) {
      const request = await client.sign(job.url, {
        method: "POST",
        headers: job.headers,
        body: job.body as BodyInit,
        // allHeaders: sign content-type and accept too, as SageMaker's SDKs do.
        aws: { datetime: AMZ_DATE, allHeaders: true },
      });
      return Object.fromEntries(request.headers);
    },
  };
}

/** What the SDK peer's middleware captured: the signed request. */
interface CapturedRequest {
  headers: Record<string, string>;
}

function sdkPeer(): Peer {
  let captured: CapturedRequest | undefined;
  const client = new SageMakerRuntimeClient({
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  client.middlewareStack.addRelativeTo(
    // The signed request is complete here; answer without sending it.
    (_next: unknown) => (args: { request: unknown }) => {
      captured = args.request as CapturedRequest;
      return Promise.resolve({
        response: { statusCode: 200, headers: {}, body: new Uint8Array() },
        output: { $metadata: {} },
      });
    },
    {
      relation: "after",
      toMiddleware: "httpSigningMiddleware",
      name: "benchCaptureSignedRequest",
      override: true,
    },
    // deno-lint-ignore no-explicit-any
  ) as any;
  return {
    id: "sdk",
    label: PEER_LABELS.sdk,
    async sign(job) {
      const headers = Object.fromEntries(job.headers);
      const endpoint = decodeURIComponent(
        new URL(job.url).pathname.split("/")[2],
      );
      captured = undefined;
      await client.send(
        new InvokeEndpointCommand({
          EndpointName: endpoint,
          ContentType: headers["content-type"],
          Accept: headers["accept"],
          Body: job.body,
        }),
      );
      if (!captured) throw new Error("the SDK middleware captured nothing");
      return lowerCased((captured as CapturedRequest).headers);
    },
  };
}

/** Builds one peer. */
export function createPeer(id: PeerId): Peer {
  switch (id) {
    case "smithy-node":
      return smithyPeer(id, NodeSha256);
    case "smithy-js":
      return smithyPeer(id, JsSha256 as unknown as HashConstructor);
    case "smithy-webcrypto":
      return smithyPeer(id, WebCryptoSha256);
    case "aws4fetch":
      return aws4fetchPeer();
    case "sdk":
      return sdkPeer();
  }
}

/** Every peer, in table order. */
export function createPeers(): Peer[] {
  return PEER_IDS.map(createPeer);
}

function lowerCased(headers: Record<string, string>): SignedHeaders {
  const out: SignedHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = value;
  }
  return out;
}
