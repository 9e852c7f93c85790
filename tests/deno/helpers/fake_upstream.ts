/**
 * A scripted stand-in for `fetch`, a controllable clock and a recording
 * `sleep`, for calling the edge handler without any network or real waits.
 *
 * @module
 */

/** One request the handler sent upstream. */
export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array;
  signal: AbortSignal | null;
  /** The redirect mode asked for ("follow" when unset, as fetch's default). */
  redirect: RequestRedirect;
}

/** What the fake answers one call with. */
export type Step =
  | Response
  | Error
  | ((call: RecordedCall) => Response | Promise<Response>);

/** A fetch that records every call and answers from a script, in order. */
export class FakeUpstream {
  readonly calls: RecordedCall[] = [];
  readonly #script: Step[];

  constructor(script: Step[] = []) {
    this.#script = [...script];
  }

  /** Steps not consumed yet. */
  get remaining(): number {
    return this.#script.length;
  }

  readonly fetch: typeof fetch = (async (
    input: string | URL | Request,
    init?: RequestInit,
  ) => {
    const request = new Request(input, init);
    const call: RecordedCall = {
      url: request.url,
      method: request.method,
      headers: new Headers(init?.headers),
      body: new Uint8Array(await request.arrayBuffer()),
      signal: init?.signal ?? null,
      redirect: init?.redirect ?? "follow",
    };
    this.calls.push(call);
    const step = this.#script.shift();
    if (step === undefined) {
      throw new Error(`unexpected upstream call #${this.calls.length}`);
    }
    if (step instanceof Error) throw step;
    if (step instanceof Response) return step;
    return await step(call);
  }) as typeof fetch;
}

/** Waits until the call's signal aborts, then rejects as fetch does. */
export function hangUntilAborted(
  call: RecordedCall,
  onAbort: () => void = () => {},
): Promise<Response> {
  return new Promise((_, reject) => {
    const signal = call.signal;
    if (signal === null) {
      reject(new Error("the handler sent no abort signal"));
      return;
    }
    const abort = () => {
      onAbort();
      reject(new DOMException("The signal has been aborted", "AbortError"));
    };
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
  });
}

/** A JSON answer. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** An AWS restJson1 error with the code in `x-amzn-ErrorType`. */
export function awsError(
  status: number,
  code: string,
  message: string | null = null,
): Response {
  return jsonResponse({ message }, status, {
    "x-amzn-errortype":
      `${code}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
    "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
  });
}

/** SageMaker's 424 ModelError wrapping a container answer. */
export function modelError(
  originalStatus: number,
  originalMessage: string,
): Response {
  return jsonResponse(
    {
      ErrorCode: "CLIENT_ERROR_FROM_MODEL",
      LogStreamArn:
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x",
      Message:
        `Received client error (${originalStatus}) from primary with message "${originalMessage}".`,
      OriginalMessage: originalMessage,
      OriginalStatusCode: originalStatus,
    },
    424,
    { "x-amzn-errortype": "ModelError" },
  );
}

/**
 * A 200 whose body is produced in `chunkBytes` pieces on demand, never
 * ending on its own; `pulled()` tells how many bytes were handed out and
 * `cancelled()` whether the reader gave up.
 */
export function endlessBody(chunkBytes: number): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
  cancelled: () => boolean;
} {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunkBytes;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

/** A clock that stands still unless told to move. */
export class FakeClock {
  constructor(public time: number) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A `sleep` that records the delay, moves the clock by it, and returns at once. */
export function recordingSleep(clock?: FakeClock): {
  delays: number[];
  sleep: (ms: number) => Promise<void>;
} {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      clock?.advance(ms);
      return Promise.resolve();
    },
  };
}
