/**
 * Credentials and region the local SageMaker Runtime stand-in accepts by default.
 *
 * These are deliberately fake: they only ever unlock the stand-in on
 * 127.0.0.1 and must never be mistaken for (or replaced by) real AWS keys.
 *
 * @module
 */

/** An access key pair (plus optional STS session token) the stand-in trusts. */
export interface StandInCredentials {
  /** Access key id, e.g. `AKIAHEALTHNAVLOCAL01`. */
  accessKeyId: string;
  /** Secret used to derive the SigV4 signing key; never logged. */
  secretAccessKey: string;
  /** When set, requests must carry exactly this `X-Amz-Security-Token`. */
  sessionToken?: string;
}

/** The default (and only, unless configured) credentials the stand-in accepts. */
export const LOCAL_CREDENTIALS: StandInCredentials = {
  accessKeyId: "AKIAHEALTHNAVLOCAL01",
  secretAccessKey: "local-stand-in-secret-not-an-aws-key",
};

/** Default signing region, matching the product's AWS_REGION default. */
export const LOCAL_REGION = "us-east-1";

/** Account id used in error messages and ARNs, as in AWS documentation examples. */
export const LOCAL_ACCOUNT_ID = "123456789012";
