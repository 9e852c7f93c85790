/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_gateway_free: (a: number, b: number) => void;
export const gateway_acceptAsyncResponse: (a: number, b: any, c: number, d: number, e: number) => [number, number, number];
export const gateway_buildInvocation: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => [number, number, number];
export const gateway_endpointNames: (a: number) => [number, number, number];
export const gateway_new: (a: any) => [number, number, number];
export const gateway_normalizeBatchResponse: (a: number, b: number, c: number, d: any, e: any) => [number, number, number];
export const gateway_normalizeResponse: (a: number, b: number, c: number, d: any) => [number, number, number];
export const gateway_openAsyncResult: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
export const gateway_prepareInvocation: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number) => [number, number, number];
export const gateway_readAsyncFailure: (a: number, b: any) => [number, number];
export const gateway_readAsyncOutput: (a: number, b: any) => [number, number, number];
export const gateway_setCredentials: (a: number, b: any) => [number, number];
export const gateway_validateRequest: (a: number, b: number, c: number, d: number, e: number, f: number, g: number) => [number, number, number];
export const signAwsRequest: (a: any) => [number, number, number];
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __externref_table_dealloc: (a: number) => void;
export const __wbindgen_start: () => void;
