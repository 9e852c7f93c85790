/**
 * Lends PGlite's one backend session to one client connection at a time, for
 * a whole unit of work, the way a pooler in transaction mode lends a server
 * connection: from a client's first message until the server would say
 * ReadyForQuery outside a transaction (after Sync, a simple Query or the
 * startup exchange), or until the end of its transaction block.
 *
 * Why not the socket server's own queue: it takes turns per protocol
 * message and keeps a client's turn only inside a transaction block, so two
 * connections' extended-protocol batches (Parse/Bind/Execute/Sync, what
 * postgres.js sends for every parameterised query) interleave in the shared
 * session: one connection's Bind runs against another's Parse, giving bind
 * errors or wrong rows (electric-sql/pglite#1046, still so in
 * @electric-sql/pglite-socket 0.2.18). And one failed message stops that
 * queue for good. This one keeps serving after a failure.
 *
 * It has the shape the socket server's connection handler calls
 * (`PGLiteSocketHandler`'s `queryQueue` option).
 *
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";

interface Pending {
  connection: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

/** Frontend message types after which the backend answers ReadyForQuery. */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
/** A Sync message, to close an extended-protocol batch a client abandoned. */
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);
/** A simple Query message of `rollback`. */
const ROLLBACK_MESSAGE = queryMessage("rollback");

/** The session's turn-taking across client connections. */
export class SessionLease {
  readonly #db: PGlite;
  #waiting: Pending[] = [];
  /** The connection whose unit of work is under way, if any. */
  #holder: number | null = null;
  #running = false;

  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Runs one frontend message of `connection` when it is its turn. */
  enqueue(
    connection: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ connection, message, onData, resolve, reject });
      void this.#run();
    });
  }

  getQueueLength(): number {
    return this.#waiting.length;
  }

  /** A connection went away: drop what it left waiting. */
  clearQueueForHandler(connection: number): void {
    this.#waiting = this.#waiting.filter((pending) => {
      if (pending.connection !== connection) return true;
      pending.reject(new Error("connection closed"));
      return false;
    });
  }

  /**
   * A connection went away: if it held the session, end what it left open
   * (an unfinished batch, a transaction) and let the next one in.
   */
  async clearTransactionIfNeeded(connection: number): Promise<void> {
    if (this.#holder !== connection) return;
    // Raw protocol with a sink of our own: PGlite's exec() would send its
    // output to the last stream's callback, another client's socket.
    const discard = { onRawData: () => {} };
    await this.#db.runExclusive(async () => {
      await this.#db.execProtocolRawStream(SYNC_MESSAGE, discard);
      if (this.#db.isInTransaction()) {
        await this.#db.execProtocolRawStream(ROLLBACK_MESSAGE, discard);
      }
    });
    this.#holder = null;
    void this.#run();
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const index = this.#holder === null
          ? 0
          : this.#waiting.findIndex((p) => p.connection === this.#holder);
        if (index < 0 || index >= this.#waiting.length) return;
        const [pending] = this.#waiting.splice(index, 1);
        this.#holder = pending.connection;
        let bytes = 0;
        try {
          await this.#db.runExclusive(() =>
            this.#db.execProtocolRawStream(pending.message, {
              onRawData: (data) => {
                bytes += data.length;
                pending.onData(data);
              },
            })
          );
          pending.resolve(bytes);
        } catch (error) {
          pending.reject(
            error instanceof Error ? error : new Error(String(error)),
          );
        }
        if (endsUnit(pending.message) && !this.#db.isInTransaction()) {
          this.#holder = null;
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

function queryMessage(text: string): Uint8Array {
  const body = new TextEncoder().encode(`${text}\0`);
  const message = new Uint8Array(5 + body.length);
  message[0] = QUERY;
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}

/** Whether the backend is back at ReadyForQuery after this message. */
function endsUnit(message: Uint8Array): boolean {
  const type = message[0];
  // A startup packet starts with its length, whose first byte is 0.
  return type === 0 || type === SYNC || type === QUERY || type === TERMINATE;
}
