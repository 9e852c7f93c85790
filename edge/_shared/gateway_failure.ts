/**
 * The one error the edge code throws and catches: a stable code from the
 * crate's table (its status and retryability come with it), a fixed
 * sentence, and what the answer needs besides (field errors, AWS's error
 * name, attempts made, extra headers). pkg's own errors are turned into it
 * at the wasm boundary (wasm_gateway.ts).
 *
 * @module
 */
import { type ErrorCode, errorCodeInfo } from "./error_codes.ts";
import type {
  FieldError,
  HealthNavError,
  RedFlag,
  SafetyNotice,
} from "../../pkg/mod.d.ts";

/** What a failure carries besides its code and sentence. */
export interface FailureDetails {
  /** Field errors, for validation. */
  errors?: FieldError[];
  /** More field errors were found than `errors` lists. */
  truncated?: boolean;
  /** AWS's error name, when SageMaker or S3 gave one (never its message). */
  awsCode?: string | null;
  /** SageMaker attempts made before the failure. */
  attempts?: number;
  /** Extra response headers, such as Allow. */
  headers?: Record<string, string>;
  /**
   * Triage, when the model could not answer: the red flags the request
   * showed and the safety message (a batch: each patient's flags).
   */
  safety?: SafetyNotice & {
    patients?: { index: number; red_flags: RedFlag[] }[];
  };
}

/** A failure with a stable code. */
export class GatewayFailure extends Error {
  override readonly name = "GatewayFailure";
  readonly status: number;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FailureDetails = {},
  ) {
    super(message);
    const { status, retryable } = errorCodeInfo(code);
    this.status = status;
    this.retryable = retryable;
  }

  /** pkg's error as a GatewayFailure. */
  static fromPkg(error: HealthNavError): GatewayFailure {
    return new GatewayFailure(error.code, error.message, {
      errors: error.errors,
      truncated: error.truncated,
      awsCode: error.upstream?.awsCode ?? null,
    });
  }

  /** The same failure, after `attempts` SageMaker attempts. */
  withAttempts(attempts: number): GatewayFailure {
    return this.with({ attempts });
  }

  /** The same failure with more details. */
  with(details: FailureDetails): GatewayFailure {
    return new GatewayFailure(this.code, this.message, {
      ...this.details,
      ...details,
    });
  }
}

/** True for the `Error`s pkg/ throws, which carry a stable `code`. */
export function isHealthNavError(error: unknown): error is HealthNavError {
  return error instanceof Error && error.name === "HealthNavError" &&
    typeof (error as { code?: unknown }).code === "string";
}
