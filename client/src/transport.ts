/**
 * The little the client needs of the app's `@supabase/supabase-js` client:
 * `functions.invoke` and the shapes it answers with. Structural, so any
 * supabase-js 2.x instance fits and the client never imports it.
 *
 * @module
 */

/** An `AbortSignal`, as far as the client uses one. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** A fetch `Response`, as far as the client reads one. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * What `functions.invoke` takes; as wide as supabase-js's own options, so
 * its client is assignable (the client sends JSON objects, POST and GET).
 */
export interface InvokeOptions {
  body?: unknown;
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignalLike;
}

/**
 * What `functions.invoke` resolves to: `data` on 2xx, else `error`, a
 * `FunctionsHttpError` (its `context` is the Response), `FunctionsRelayError`
 * or `FunctionsFetchError`. supabase-js ≥ 2.50 adds `response`.
 */
export interface InvokeAnswer {
  data: unknown;
  error: unknown;
  response?: ResponseLike;
}

/** A Supabase client: `createClient(url, anonKey)` from `@supabase/supabase-js`. */
export interface SupabaseFunctionsClient {
  functions: {
    invoke(
      functionName: string,
      options?: InvokeOptions,
    ): Promise<InvokeAnswer>;
  };
}
