/**
 * The gateway's CRCs against AWS's own (aws-c-checksums, through npm `aws-crt`, the code the AWS
 * SDKs and CLI compute `x-amz-checksum-*` with), on random bodies fed in random pieces.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { crc32, crc32c, crc64nvme } from '../../src/gateway/crc.js';
import { pieces } from '../support/pieces.js';

const { checksums } = createRequire(import.meta.url)('aws-crt') as {
  checksums: {
    crc32(data: Uint8Array, previous?: number): number;
    crc32c(data: Uint8Array, previous?: number): number;
    crc64nvme(data: Uint8Array, previous?: DataView): DataView;
  };
};

test('CRC32, CRC32C and CRC64NVME agree with aws-c-checksums', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.array(fc.nat(), { maxLength: 6 }), (body, cuts) => {
      const parts = pieces(body, cuts);
      expect(parts.reduce((previous, piece) => crc32(piece, previous), 0)).toBe(checksums.crc32(body));
      expect(parts.reduce((previous, piece) => crc32c(piece, previous), 0)).toBe(checksums.crc32c(body));
      expect(parts.reduce((previous, piece) => crc64nvme(piece, previous), 0n)).toBe(
        checksums.crc64nvme(body).getBigUint64(0),
      );
    }),
    { numRuns: 1000 },
  );
});
