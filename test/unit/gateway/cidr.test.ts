/** CIDR allow-lists for the gateway's `aws:SourceIp` check: IPv4, IPv6, mapped addresses, bad input. */
import { describe, expect, test } from 'vitest';
import { ipAllowed, parseCidr, parseCidrList, parseIp } from '../../../src/gateway/cidr.js';

describe('parseIp', () => {
  test.each([
    ['192.0.2.1', [192, 0, 2, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['::ffff:192.0.2.1', [192, 0, 2, 1]],
    ['::FFFF:c000:0201', [192, 0, 2, 1]],
    ['::1', [...Array(15).fill(0), 1]],
    ['2001:db8::', [0x20, 0x01, 0x0d, 0xb8, ...Array(12).fill(0)]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ['64:ff9b::192.0.2.1', [0, 0x64, 0xff, 0x9b, ...Array(8).fill(0), 192, 0, 2, 1]],
  ])('%s', (text, bytes) => expect([...parseIp(text)!]).toEqual(bytes));

  test.each([
    '256.0.0.1',
    '1.2.3',
    '01.2.3.4',
    '1.2.3.4.5',
    '::1::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    'g::1',
    '12345::',
    '::1%eth0',
    '',
    'localhost',
    ':1',
    '1::2:3:4:5:6:7:8',
  ])('%s is not an address', (text) => expect(parseIp(text)).toBeUndefined());
});

describe('ipAllowed', () => {
  const blocks = parseCidrList([
    '10.0.0.0/8',
    '192.0.2.128/25',
    '2001:db8::/32',
    '::ffff:198.51.100.0/120',
    '203.0.113.7',
  ]);
  test.each([
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['192.0.2.128', true],
    ['192.0.2.127', false],
    ['::ffff:10.1.2.3', true],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['198.51.100.9', true],
    ['198.51.101.9', false],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['::a00:1', false], // 10.0.0.1's bytes in IPv6, but not a mapped address
    ['garbage', false],
    [undefined, false],
  ])('%s → %s', (ip, expected) => expect(ipAllowed(ip, blocks)).toBe(expected));

  test('/0 allows every address of its family', () => {
    expect(ipAllowed('1.2.3.4', [parseCidr('0.0.0.0/0')])).toBe(true);
    expect(ipAllowed('::1', [parseCidr('0.0.0.0/0')])).toBe(false);
    expect(ipAllowed('::1', [parseCidr('::/0')])).toBe(true);
  });

  test.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    'example.com/8',
    '::ffff:1.2.3.4/95',
  ])('%s is refused with INVALID_OPTION', (text) =>
    expect(() => parseCidr(text)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' })),
  );
});
