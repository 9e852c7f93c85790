/**
 * A response with its body already read, as the tests inspect it.
 *
 * @module
 */

/** A response with its body read. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or null when it is not JSON. */
  json: Record<string, unknown> | null;
}

/** Reads the whole body and parses it as JSON when it is JSON. */
export async function readAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}
