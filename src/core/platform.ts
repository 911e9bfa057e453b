/**
 * The platform's classes as declarations may name them. The published `.d.ts` files must compile
 * for a consumer with `lib: ["es2022"]` and neither the DOM library nor @types/node: each type
 * here is the global class's instance type where the consumer's platform declares it, and `never`
 * where it does not (so `string | PlatformUrl` is `string` there). At run time nothing changes.
 *
 * @example
 * ```ts
 * function splitUrl(input: string | PlatformUrl): UrlParts; // URL accepted wherever URL exists
 * ```
 * @module
 */

/** `URL`, where the platform has it. */
export type PlatformUrl = typeof globalThis extends { URL: { prototype: infer T } } ? T : never;

/** `Request`, where the platform has it. */
export type PlatformRequest = typeof globalThis extends { Request: { prototype: infer T } } ? T : never;

/** `Response`, where the platform has it. */
export type PlatformResponse = typeof globalThis extends { Response: { prototype: infer T } } ? T : never;

/** What the library reads of a web `ReadableStream` of bytes: its reader. */
export interface ByteStream {
  getReader(): {
    read(): Promise<
      | { readonly done: false; readonly value: Uint8Array }
      | { readonly done: true; readonly value?: Uint8Array | undefined }
    >;
    cancel(): Promise<void>;
  };
}

/** What the library reads of a `Headers` instance: its entries, by `forEach`. */
export interface HeadersForEach {
  forEach(callback: (value: string, name: string) => void): void;
}

/** What the verifier reads of a `Headers` instance: one value by name, and every entry. */
export interface HeadersGetForEach extends HeadersForEach {
  get(name: string): string | null;
}
