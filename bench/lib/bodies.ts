/**
 * The request bodies of the CPU part: a triage request whose model body is
 * exactly 1 KB, and 1 MB / 5 MB "images" (deterministic bytes behind a JPEG
 * header).
 *
 * @module
 */
import type { Gateway } from "../../pkg/mod.js";

const encoder = new TextEncoder();

/** Size of the small body the model receives. */
export const SMALL_BODY_BYTES = 1024;
/** 1 MiB. */
export const ONE_MB = 1024 * 1024;
/** 5 MiB, under SageMaker's 6 MiB request limit. */
export const FIVE_MB = 5 * 1024 * 1024;

/**
 * A valid triage client body (the guide's nested format) whose invocation
 * body, what is signed and sent to the model, is exactly `size` bytes.
 */
export function triageClientBody(
  gateway: Gateway,
  size = SMALL_BODY_BYTES,
): Uint8Array {
  const history = [
    "hypertension",
    "type 2 diabetes",
    "hyperlipidaemia",
    "former smoker, quit 2015",
    "appendectomy 1998",
  ];
  const request = {
    symptoms: [
      "chest pain radiating to the left arm",
      "shortness of breath on exertion",
      "sweating",
      "nausea",
      "dizziness when standing",
      "fatigue for three days",
    ],
    patient_data: {
      age: 58,
      gender: "male",
      medical_history: history,
      current_medications: [
        "lisinopril 10 mg daily",
        "metformin 500 mg twice daily",
        "atorvastatin 20 mg nightly",
        "aspirin 81 mg daily",
      ],
    },
  };
  const modelBytes = () =>
    gateway.prepare(encoder.encode(JSON.stringify(request)), 0).body
      .byteLength;
  // Pad with notes of at most 100 characters until the model body is `size` bytes.
  for (;;) {
    const missing = size - modelBytes();
    if (missing === 0) break;
    if (missing < 0) throw new Error(`cannot build a ${size}-byte triage body`);
    const last = history.length - 1;
    if (history[last].startsWith("note") && history[last].length < 100) {
      history[last] += "x".repeat(
        Math.min(missing, 100 - history[last].length),
      );
    } else if (missing >= 8) {
      history.push("note"); // adds `,"note"`: 7 bytes
    } else {
      request.symptoms[0] += "x".repeat(missing);
    }
  }
  return encoder.encode(JSON.stringify(request));
}

/** `size` bytes starting with a JPEG SOI/APP0 marker, the rest from xorshift32. */
export function imageBody(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let state = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}
