/**
 * The three functions' Supabase slugs, and the one place a result id
 * becomes part of a path.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";

export const TRIAGE = "sagemaker-triage";
export const IMAGE_ANALYSIS = "sagemaker-image-analysis";
export const RISK_SCORE = "sagemaker-risk-score";

/**
 * `sagemaker-image-analysis/<id>`, the GET that reads an asynchronous
 * result. Ids are URL-safe base64 parts joined by dots; anything else
 * (a slash, `..`) is refused here rather than sent as a path.
 */
export function asyncResultFunction(id: string): string {
  if (!/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(id) || id.length > 4096) {
    throw new HealthNavError({
      status: 0,
      code: "invalid_async_id",
      detail: "The result id is not one the gateway issues.",
    });
  }
  return `${IMAGE_ANALYSIS}/${id}`;
}
