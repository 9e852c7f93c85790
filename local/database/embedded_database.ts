/**
 * The development database: PGlite (Postgres compiled to WebAssembly, in
 * memory) speaking the wire protocol on 127.0.0.1, so the functions use the
 * same driver and SQL as against Supabase, and anyone can open it with psql.
 * It gets Supabase's API roles and the repository's migrations.
 *
 * What the socket server gives and what this adds:
 * - PGlite is one backend session. @electric-sql/pglite-socket lets several
 *   client connections share it (its default is one connection; extra ones
 *   get a bare "Too many connections" line, not a Postgres error), but its
 *   turn-taking lets concurrent extended-protocol queries interleave (see
 *   session_lease.ts). With {@link SessionLease} every connection gets the
 *   session for a whole query or transaction, as through Supabase's
 *   transaction pooler, so {@link MAX_CONNECTIONS} connections are safe.
 *   They take turns: one query runs at a time, whatever the connection count.
 * - Whatever user a client names, it is PGlite's superuser `postgres`; the
 *   API roles are reached with `SET LOCAL ROLE` inside a transaction, as
 *   Supabase's Data API does. Session-level `SET` (role, search_path) would
 *   reach every connection: there is only one session.
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import {
  PGLiteSocketHandler,
  type PGLiteSocketHandlerOptions,
} from "@electric-sql/pglite-socket";
import { createServer, type Server, type Socket } from "node:net";
import postgres from "postgres";
import type { LocalDatabase } from "./local_database.ts";
import { applyMigrations, readMigrations } from "./migrations.ts";
import { SessionLease } from "./session_lease.ts";
import { SUPABASE_API_ROLES_SQL } from "./supabase_roles.ts";

/**
 * Client connections served at once: the three functions of the local stack
 * with their default pool of 3 each (DEFAULT_DB_POOL_MAX), plus room for
 * psql, tests and a second stack's worth of pools.
 */
export const MAX_CONNECTIONS = 24;

/** Options of {@link startEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/** Starts PGlite on 127.0.0.1 with Supabase's roles and the migrations. */
export async function startEmbeddedDatabase(
  options: EmbeddedDatabaseOptions = {},
): Promise<LocalDatabase> {
  const db = await PGlite.create();
  try {
    await db.exec(SUPABASE_API_ROLES_SQL);
  } catch (error) {
    await db.close();
    throw error;
  }
  const lease = new SessionLease(db);
  const served = new Set<Socket>();
  // Every socket, refused ones too: the server closes only once all have.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    if (served.size >= MAX_CONNECTIONS) {
      refuseWhenAsked(socket);
      return;
    }
    served.add(socket);
    socket.once("close", () => served.delete(socket));
    const handler = new PGLiteSocketHandler({
      // The handler calls only enqueue and the two clear methods, which
      // SessionLease has; its option type names the package's own queue.
      queryQueue: lease as unknown as PGLiteSocketHandlerOptions["queryQueue"],
      closeOnDetach: true,
    });
    handler.attach(socket).catch(() => socket.destroy());
  });
  let stopped = false;
  // Idempotent: a test may stop the database itself before its harness does.
  const stopServer = async () => {
    if (stopped) return;
    stopped = true;
    // Not server.close's callback: Deno 2.1's node:net never calls it once a
    // connection was accepted. The listener is closed when close() returns.
    if (server.listening) server.close();
    const closing = [...sockets].map((socket) =>
      new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.destroy();
      })
    );
    await Promise.all(closing);
    // Lets the handlers' close callbacks (queued with setImmediate) finish
    // with the session before PGlite closes.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await db.close();
  };
  try {
    const port = await listen(server, options.port ?? 0);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const sql = postgres(url, { prepare: false, max: 1, onnotice: () => {} });
    try {
      await applyMigrations(sql, await readMigrations());
    } finally {
      await sql.end({ timeout: 1 });
    }
    // Hand over with every connection slot free.
    await Promise.all(
      [...served].map((socket) =>
        new Promise((resolve) => socket.once("close", resolve))
      ),
    );
    return { url, kind: "pglite", stop: stopServer };
  } catch (error) {
    await stopServer();
    throw error;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address !== "object") {
        reject(new Error("the embedded database has no TCP address"));
      } else {
        resolve(address.port);
      }
    });
  });
}

/**
 * Refuses a connection as Postgres does: once the client has sent its
 * startup packet (after answering "no" to an SSLRequest), never before. A
 * client whose first write meets an already closed socket fails in odd ways
 * (postgres.js on Deno 2.1 throws outside any promise).
 */
function refuseWhenAsked(socket: Socket): void {
  socket.on("data", (packet: Uint8Array) => {
    if (isSslRequest(packet)) {
      socket.write("N");
    } else {
      socket.end(tooManyClients());
    }
  });
}

/** An SSLRequest: length 8, code 80877103. */
function isSslRequest(packet: Uint8Array): boolean {
  if (packet.length !== 8) return false;
  const view = new DataView(packet.buffer, packet.byteOffset, 8);
  return view.getInt32(0) === 8 && view.getInt32(4) === 80877103;
}

/** The FATAL ErrorResponse a Postgres server sends when it is full (53300). */
function tooManyClients(): Uint8Array {
  const fields = [
    "SFATAL",
    "VFATAL",
    "C53300",
    "Msorry, too many clients already",
  ];
  const body = new TextEncoder().encode(fields.join("\0") + "\0\0");
  const message = new Uint8Array(5 + body.length);
  message[0] = 0x45; // 'E'
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}
