/**
 * An upload's body, checked while it streams: counted against the size limit, and hashed with
 * every digest its headers pin it with (`x-amz-content-sha256` as a hex digest, `Content-MD5`,
 * one `x-amz-checksum-*`). A body over the limit is refused as soon as it crosses it; a digest
 * that does not match is refused after the last chunk, before the storage can make anything
 * visible (storage reads a body to its end before it commits).
 *
 * @example
 * ```ts
 * const check = new BodyCheck(bodyPins((name) => headers.get(name) ?? undefined), 5 * 2 ** 30, pureJsDigests);
 * try {
 *   await storage.put(key, check.read(chunks), contentType);
 * } catch (error) {
 *   if (check.refusal) return check.refusal.code; // 'EntityTooLarge', 'BadDigest', …
 *   throw error;
 * }
 * ```
 * @module
 */
import { bodyDigest, type ChecksumAlgorithm, type DigestFactory } from './digests.js';
import { GatewayRefusal, type GatewayErrorCode } from './errors.js';

/** S3's limit for a single PUT: 5 GiB. */
export const DEFAULT_MAX_OBJECT_SIZE = 5 * 2 ** 30;

/** A request header by lower-case name; undefined when absent. */
export type HeaderLookup = (name: string) => string | undefined;

/** One digest a header pins the body with, and how S3 words a mismatch. */
export interface BodyPin {
  readonly algorithm: ChecksumAlgorithm;
  readonly expected: Uint8Array;
  readonly code: GatewayErrorCode;
  readonly message: string;
}

/** S3's checksum headers: algorithm, digest length, and the name S3's messages use. */
const CHECKSUMS: readonly (readonly [header: string, algorithm: ChecksumAlgorithm, bytes: number, label: string])[] = [
  ['x-amz-checksum-crc32', 'crc32', 4, 'CRC32'],
  ['x-amz-checksum-crc32c', 'crc32c', 4, 'CRC32C'],
  ['x-amz-checksum-crc64nvme', 'crc64nvme', 8, 'CRC64NVME'],
  ['x-amz-checksum-sha1', 'sha1', 20, 'SHA1'],
  ['x-amz-checksum-sha256', 'sha256', 32, 'SHA256'],
];

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const refuse = (code: GatewayErrorCode, message: string): never => {
  throw new GatewayRefusal(code, message);
};

/** The bytes of canonical, padded base64 that encodes exactly `length` bytes; undefined otherwise. */
function base64Bytes(text: string, length: number): Uint8Array | undefined {
  if (text.length !== Math.ceil(length / 3) * 4 || !BASE64.test(text)) return undefined;
  const binary = atob(text);
  // Re-encoding catches stray bits in the last character, which atob ignores.
  if (binary.length !== length || btoa(binary) !== text) return undefined;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function hexBytes(text: string): Uint8Array {
  return Uint8Array.from({ length: text.length / 2 }, (_, i) => parseInt(text.slice(2 * i, 2 * i + 2), 16));
}

/**
 * The digests an upload's headers pin its body with. Throws a {@link GatewayRefusal} for a header
 * that cannot be checked: a malformed value (`InvalidArgument`, `InvalidDigest`, `InvalidRequest`,
 * as S3 answers), more than one `x-amz-checksum-*`, or an aws-chunked body (`NotImplemented`).
 *
 * @example
 * ```ts
 * bodyPins((name) => (name === 'content-md5' ? '1B2M2Y8AsgTpgAmY7PhCfg==' : undefined));
 * // [{ algorithm: 'md5', expected: Uint8Array(16), code: 'BadDigest', message: … }]
 * ```
 */
export function bodyPins(header: HeaderLookup): BodyPin[] {
  const pins: BodyPin[] = [];
  const payloadHash = header('x-amz-content-sha256');
  if (payloadHash !== undefined && payloadHash !== 'UNSIGNED-PAYLOAD') {
    if (payloadHash.startsWith('STREAMING-')) {
      refuse('NotImplemented', 'aws-chunked uploads (x-amz-content-sha256: STREAMING-…) are not supported here');
    }
    if (!HEX_SHA256.test(payloadHash)) {
      refuse('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the hex SHA-256 of the body');
    }
    pins.push({
      algorithm: 'sha256',
      expected: hexBytes(payloadHash),
      code: 'XAmzContentSHA256Mismatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  }
  const md5 = header('content-md5');
  if (md5 !== undefined) {
    pins.push({
      algorithm: 'md5',
      expected: base64Bytes(md5, 16) ?? refuse('InvalidDigest', 'The Content-MD5 you specified is not valid.'),
      code: 'BadDigest',
      message: 'The Content-MD5 you specified did not match what we received.',
    });
  }
  let checksums = 0;
  for (const [name, algorithm, length, label] of CHECKSUMS) {
    const value = header(name);
    if (value === undefined) continue;
    if (++checksums > 1) refuse('InvalidRequest', 'Expecting a single x-amz-checksum- header.');
    pins.push({
      algorithm,
      expected: base64Bytes(value, length) ?? refuse('InvalidRequest', `Value for ${name} header is invalid.`),
      code: 'BadDigest',
      message: `The ${label} you specified did not match the calculated checksum.`,
    });
  }
  return pins;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** The message of an upload over the limit, in S3's words, with the limit. */
export const tooLarge = (maxSize: number) =>
  `Your proposed upload exceeds the maximum allowed size (${maxSize} bytes here).`;

/** Checks one upload's body as it streams: see the module. */
export class BodyCheck {
  /** Why the body was refused, once it has been; undefined while it is acceptable. */
  refusal: GatewayRefusal | undefined;

  constructor(
    private readonly pins: readonly BodyPin[],
    private readonly maxSize: number,
    private readonly hashes: DigestFactory,
  ) {}

  /**
   * The chunks of `source`, passed on as they come; throws (and records {@link refusal}) when the
   * body crosses the limit, and at its end when a pinned digest does not match. The chunk that
   * crosses the limit is never passed on.
   */
  async *read(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
    const digests = this.pins.map((pin) => bodyDigest(pin.algorithm, this.hashes));
    let size = 0;
    for await (const chunk of source) {
      size += chunk.length;
      if (size > this.maxSize) this.refuse(new GatewayRefusal('EntityTooLarge', tooLarge(this.maxSize)));
      for (const digest of digests) digest.update(chunk);
      yield chunk;
    }
    this.pins.forEach((pin, i) => {
      if (!equal(digests[i]!.digest(), pin.expected)) this.refuse(new GatewayRefusal(pin.code, pin.message));
    });
  }

  private refuse(refusal: GatewayRefusal): never {
    this.refusal = refusal;
    throw refusal;
  }
}
