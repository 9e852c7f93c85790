/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_gateway_free: (a: number, b: number) => void;
export const errorCodeTable: () => [number, number, number];
export const gateway_acceptAsync: (a: number, b: any, c: number, d: number, e: number) => [number, number, number];
export const gateway_endpointNames: (a: number) => [number, number, number];
export const gateway_functionName: (a: number) => [number, number];
export const gateway_new: (a: any, b: number, c: number, d: any) => [number, number, number];
export const gateway_normalize: (a: number, b: any, c: number, d: number) => [number, number, number];
export const gateway_normalizeBatch: (a: number, b: any, c: any) => [number, number, number];
export const gateway_openAsyncResult: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
export const gateway_prepare: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
export const gateway_readAsyncFailure: (a: number, b: any) => [number, number];
export const gateway_readAsyncOutput: (a: number, b: any) => [number, number, number];
export const gateway_safetyNotice: (a: number, b: number, c: number) => [number, number, number];
export const gateway_signAttempt: (a: number, b: any, c: number) => [number, number, number];
export const gateway_validate: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
export const signAwsRequest: (a: any) => [number, number, number];
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __externref_drop_slice: (a: number, b: number) => void;
export const __wbindgen_start: () => void;
