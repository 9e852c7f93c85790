/**
 * Reads the size of the gateway's wasm linear memory without adding an
 * export to pkg/: wasm-bindgen's `initSync` returns the already initialised
 * instance's exports (`memory` among them) when called again, and it is the
 * same module instance edge/_shared/wasm_gateway.ts uses, so after a trap
 * and re-instantiation it reports the new instance's memory.
 *
 * @module
 */
import { initSync } from "../pkg/healthnav_edge.js";
// Importing the entry module first guarantees the instance exists.
import "../pkg/mod.js";

/** Current byte length of the wasm instance's memory (grows in 64 KiB pages, never shrinks). */
export function wasmMemoryBytes(): number {
  const exports =
    (initSync as unknown as () => { memory: WebAssembly.Memory })();
  return exports.memory.buffer.byteLength;
}
