/**
 * What the local databases (embedded PGlite, a throwaway Debian PostgreSQL)
 * hand back: where to connect and how to stop.
 *
 * @module
 */

/** A running local database with Supabase's roles and the migrations applied. */
export interface LocalDatabase {
  /** `postgres://postgres…@127.0.0.1:<port>/postgres`, the functions' SUPABASE_DB_URL. */
  url: string;
  /** Which server this is, for test names and banners. */
  kind: "pglite" | "postgres";
  /** Stops the server and removes whatever it kept on disk. */
  stop(): Promise<void>;
}
