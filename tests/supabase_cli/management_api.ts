/**
 * A stand-in for the Supabase Management API, enough for `supabase functions
 * deploy` without Docker: it takes the CLI's multipart uploads
 * (`POST /v1/projects/<ref>/functions/deploy?slug=…&bundleOnly=true`, a
 * `metadata` field and one `file` field per source) and the bulk update that
 * follows (`PUT /v1/projects/<ref>/functions`), and keeps what it received.
 * Anything else the CLI asks is answered 404 and recorded, so a test sees it.
 *
 * @module
 */

/** The metadata the CLI sends with each function. */
export interface DeployMetadata {
  name: string;
  entrypoint_path: string;
  import_map_path?: string;
  static_patterns?: string[];
  verify_jwt?: boolean;
}

/** One function as uploaded. */
export interface Upload {
  slug: string;
  bundleOnly: boolean;
  metadata: DeployMetadata;
  /** Path as the CLI named it (relative to the project root) → bytes. */
  files: Map<string, Uint8Array>;
}

/** A running stand-in. */
export interface ManagementApi {
  url: string;
  uploads: Upload[];
  /** The body of each bulk update. */
  bulkUpdates: unknown[];
  /** Requests the stand-in did not expect, as "METHOD path". */
  unexpected: string[];
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export function startManagementApi(): ManagementApi {
  const uploads: Upload[] = [];
  const bulkUpdates: unknown[] = [];
  const unexpected: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const project = /^\/v1\/projects\/([a-z]{20})$/.exec(url.pathname);
      if (request.method === "GET" && project) {
        // The CLI looks the project up before deploying to it.
        return Response.json(projectInfo(project[1]));
      }
      if (
        request.method === "POST" &&
        /^\/v1\/projects\/[a-z]{20}\/functions\/deploy$/.test(url.pathname)
      ) {
        const upload = await readUpload(request, url);
        uploads.push(upload);
        return Response.json(deployed(upload), { status: 201 });
      }
      if (
        request.method === "PUT" &&
        /^\/v1\/projects\/[a-z]{20}\/functions$/.test(url.pathname)
      ) {
        const body = await request.json();
        bulkUpdates.push(body);
        return Response.json({ functions: body });
      }
      await request.body?.cancel();
      unexpected.push(`${request.method} ${url.pathname}`);
      return Response.json({ message: "not in the stand-in" }, { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    uploads,
    bulkUpdates,
    unexpected,
    close: () => server.shutdown(),
  };
}

async function readUpload(request: Request, url: URL): Promise<Upload> {
  const form = await request.formData();
  const metadata = JSON.parse(String(form.get("metadata"))) as DeployMetadata;
  const files = new Map<string, Uint8Array>();
  for (const [field, value] of form.entries()) {
    if (field === "file" && value instanceof File) {
      files.set(value.name, new Uint8Array(await value.arrayBuffer()));
    }
  }
  return {
    slug: url.searchParams.get("slug") ?? "",
    bundleOnly: url.searchParams.get("bundleOnly") === "true",
    metadata,
    files,
  };
}

/** The Management API's answer to a project lookup. */
function projectInfo(ref: string) {
  return {
    id: ref,
    ref,
    organization_id: "healthnav-local",
    name: "healthnav-local",
    region: "us-east-1",
    status: "ACTIVE_HEALTHY",
    created_at: new Date(0).toISOString(),
  };
}

/** The Management API's answer to a deploy: the function as now stored. */
function deployed(upload: Upload) {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    slug: upload.slug,
    name: upload.slug,
    version: 1,
    status: "ACTIVE",
    created_at: now,
    updated_at: now,
    entrypoint_path: upload.metadata.entrypoint_path,
    import_map_path: upload.metadata.import_map_path,
    verify_jwt: upload.metadata.verify_jwt,
  };
}
