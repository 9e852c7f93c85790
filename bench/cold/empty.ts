// Cold-start baseline: an empty `deno run`.
