/**
 * A stand-in for the Docker Engine API, enough for `supabase functions
 * serve` to get as far as creating its edge-runtime container: every
 * container it asks about is running, every image is cached, every network
 * exists. It keeps each container-create request (image, command,
 * environment, bind mounts) and answers nothing it does not know: the CLI
 * is stopped once the container it would run has been described.
 *
 * @module
 */

/** One `POST /containers/create`. */
export interface CreatedContainer {
  name: string;
  image: string;
  env: string[];
  binds: string[];
  /** Entrypoint and command, as one list. */
  command: string[];
}

/** A running stand-in. */
export interface DockerEngine {
  /** For DOCKER_HOST, e.g. tcp://127.0.0.1:12345. */
  host: string;
  created: CreatedContainer[];
  /** Resolves when the first container is created. */
  firstCreated: Promise<CreatedContainer>;
  close(): Promise<void>;
}

const API_VERSION = "1.44";

/** Starts the stand-in on 127.0.0.1 (a free port). */
export function startDockerEngine(): DockerEngine {
  const created: CreatedContainer[] = [];
  let onCreated!: (container: CreatedContainer) => void;
  const firstCreated = new Promise<CreatedContainer>((resolve) =>
    onCreated = resolve
  );
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      // The client may prefix every path with its API version.
      const path = url.pathname.replace(/^\/v[0-9.]+/, "");
      const headers = { "api-version": API_VERSION, ostype: "linux" };
      const json = (body: unknown, status = 200) =>
        Response.json(body, { status, headers });
      if (path === "/_ping") return new Response("OK", { headers });
      if (path === "/version") {
        return json({
          ApiVersion: API_VERSION,
          Version: "27.0.0",
          Os: "linux",
        });
      }
      if (request.method === "POST" && path === "/containers/create") {
        const body = await request.json();
        const container = {
          name: url.searchParams.get("name") ?? "",
          image: body.Image,
          env: body.Env ?? [],
          binds: body.HostConfig?.Binds ?? [],
          command: [...(body.Entrypoint ?? []), ...(body.Cmd ?? [])],
        };
        created.push(container);
        onCreated(container);
        return json({ Id: `container-${created.length}`, Warnings: [] }, 201);
      }
      await request.body?.cancel();
      if (request.method === "POST" && path === "/volumes/create") {
        return json({ Name: "volume", Driver: "local" }, 201);
      }
      const container = /^\/containers\/([^/]+)\/json$/.exec(path);
      if (request.method === "GET" && container) {
        return json({
          Id: container[1],
          Name: `/${container[1]}`,
          State: {
            Running: true,
            Status: "running",
            Health: { Status: "healthy" },
          },
          Config: { Labels: {} },
        });
      }
      if (request.method === "GET" && /^\/images\/.+\/json$/.test(path)) {
        return json({ Id: "sha256:0", RepoTags: [] });
      }
      if (request.method === "GET" && /^\/networks\/[^/]+$/.test(path)) {
        return json({ Id: "network", Name: path.split("/")[2] });
      }
      if (request.method === "DELETE" && /^\/containers\/[^/]+$/.test(path)) {
        return new Response(null, { status: 204, headers });
      }
      if (
        request.method === "POST" && /^\/containers\/[^/]+\/start$/.test(path)
      ) {
        return new Response(null, { status: 204, headers });
      }
      return json({ message: `the stand-in does not serve ${path}` }, 404);
    },
  );
  return {
    host: `tcp://127.0.0.1:${server.addr.port}`,
    created,
    firstCreated,
    close: () => server.shutdown(),
  };
}
