// A Supabase client stand-in for the Hermes run: `functions.invoke` answers
// exactly as @supabase/supabase-js 2.x's FunctionsClient.invoke does —
// `{ data, error: null, response }` for a 2xx; `{ data: null, error, response }`
// with error.name FunctionsHttpError / FunctionsRelayError (context: the
// Response) or FunctionsFetchError (context: the fetch failure). Responses are
// plain objects: bare Hermes has no Response or Headers.

// Used by scenarios.js, which the runner concatenates after this file.
// deno-lint-ignore-file no-unused-vars

function fakeResponse(status, headers, body) {
  const lower = {};
  Object.keys(headers).forEach(function (name) {
    lower[name.toLowerCase()] = headers[name];
  });
  return {
    status: status,
    headers: {
      get: function (name) {
        const value = lower[name.toLowerCase()];
        return value === undefined ? null : value;
      },
    },
    text: function () {
      return Promise.resolve(
        typeof body === "string" ? body : JSON.stringify(body),
      );
    },
  };
}

const answers = {
  ok: function (status, data, headers) {
    const response = fakeResponse(
      status,
      Object.assign({ "content-type": "application/json" }, headers),
      data,
    );
    return { data: data, error: null, response: response };
  },
  httpError: function (status, body, headers) {
    const type = typeof body === "string"
      ? "text/html"
      : "application/problem+json";
    const response = fakeResponse(
      status,
      Object.assign({ "content-type": type }, headers),
      body,
    );
    const error = {
      name: "FunctionsHttpError",
      message: "Edge Function returned a non-2xx status code",
      context: response,
    };
    return { data: null, error: error, response: response };
  },
  relayError: function (status) {
    const response = fakeResponse(
      status,
      { "x-relay-error": "true" },
      "relay failed",
    );
    const error = {
      name: "FunctionsRelayError",
      message: "Relay Error invoking the Edge Function",
      context: response,
    };
    return { data: null, error: error, response: response };
  },
  fetchError: function () {
    const cause = { name: "TypeError", message: "Network request failed" };
    const error = {
      name: "FunctionsFetchError",
      message: "Failed to send a request to the Edge Function",
      context: cause,
    };
    return { data: null, error: error, response: undefined };
  },
  never: function () {
    return new Promise(function () {});
  },
};

/** A client whose invoke asks `route(name, options, callNumber)` and records every call. */
function stubSupabase(route) {
  const calls = [];
  return {
    calls: calls,
    functions: {
      invoke: function (name, options) {
        calls.push({ name: name, options: options, at: Date.now() });
        return Promise.resolve(route(name, options, calls.length));
      },
    },
  };
}

/** What React Native's AbortController gives; bare Hermes has none, so the test makes one. */
function abortable() {
  let listeners = [];
  const signal = {
    aborted: false,
    addEventListener: function (_type, listener) {
      listeners.push(listener);
    },
    removeEventListener: function (_type, listener) {
      listeners = listeners.filter(function (l) {
        return l !== listener;
      });
    },
  };
  return {
    signal: signal,
    abort: function () {
      signal.aborted = true;
      listeners.slice().forEach(function (listener) {
        listener();
      });
    },
  };
}
