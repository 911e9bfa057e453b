/**
 * Source-IP allow-lists in CIDR notation, IPv4 and IPv6, as S3 bucket policies write them for
 * the `aws:SourceIp` condition (`192.0.2.0/24`, `2001:db8::/32`). An IPv4 client seen through a
 * dual-stack socket (`::ffff:192.0.2.1`) is matched as the IPv4 address it is.
 *
 * @example
 * ```ts
 * const allowed = parseCidrList(['10.0.0.0/8', '2001:db8::/32']);
 * ipAllowed('10.1.2.3', allowed);         // true
 * ipAllowed('::ffff:10.1.2.3', allowed);  // true
 * ipAllowed('192.0.2.1', allowed);        // false
 * ```
 * @module
 */
import { SigV4Error } from '../core/errors.js';

/** An address block: the network's bytes (4 or 16) and how many leading bits must match. */
export interface CidrBlock {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): Uint8Array | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1).map(Number);
  // Leading zeros are refused: some parsers read them as octal.
  if (octets.some((octet, i) => octet > 255 || (match[i + 1]!.length > 1 && match[i + 1]!.startsWith('0'))))
    return undefined;
  return Uint8Array.from(octets);
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  // An embedded IPv4 address stands for the last two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  const embedded = last !== undefined && last.includes('.') ? parseIpv4(last) : undefined;
  if (last !== undefined && last.includes('.')) {
    if (embedded === undefined) return undefined;
    (halves.length === 2 ? tail : head).pop();
  }
  const words = head.length + tail.length + (embedded === undefined ? 0 : 2);
  if (halves.length === 1 ? words !== 8 : words > 7) return undefined;
  if (![...head, ...tail].every((group) => HEX_GROUP.test(group))) return undefined;
  const bytes = new Uint8Array(16);
  const put = (group: string, word: number) => {
    const value = parseInt(group, 16);
    bytes[word * 2] = value >> 8;
    bytes[word * 2 + 1] = value & 0xff;
  };
  head.forEach((group, i) => put(group, i));
  const tailStart = 8 - tail.length - (embedded === undefined ? 0 : 2);
  tail.forEach((group, i) => put(group, tailStart + i));
  if (embedded !== undefined) bytes.set(embedded, 12);
  return bytes;
}

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Parses an IPv4 or IPv6 address to its bytes; an IPv4-mapped IPv6 address gives its 4 IPv4 bytes. */
export function parseIp(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (bytes?.length === 16 && MAPPED_PREFIX.every((b, i) => bytes[i] === b)) return bytes.slice(12);
  return bytes;
}

/** Parses `address/prefix` (a bare address is a single host). Throws `INVALID_OPTION`. */
export function parseCidr(text: string): CidrBlock {
  const slash = typeof text === 'string' ? text.indexOf('/') : -1;
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(address);
  // A mapped address keeps its IPv6 prefix length only when the prefix stays in the IPv4 part.
  const mapped = bytes?.length === 4 && address.includes(':');
  const bits = bytes === undefined ? 0 : bytes.length * 8;
  const written =
    slash < 0 ? (mapped ? 128 : bits) : /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : -1;
  const prefix = mapped ? written - 96 : written;
  if (bytes === undefined || prefix < 0 || prefix > bits) {
    throw new SigV4Error(
      'INVALID_OPTION',
      `not a CIDR block: ${JSON.stringify(text)} (expected e.g. 192.0.2.0/24 or 2001:db8::/32)`,
    );
  }
  return { bytes, prefix };
}

/** Parses a list of CIDR blocks; throws `INVALID_OPTION` on the first bad one. */
export function parseCidrList(list: readonly string[]): CidrBlock[] {
  if (!Array.isArray(list)) throw new SigV4Error('INVALID_OPTION', 'the allow-list must be an array of CIDR strings');
  return list.map(parseCidr);
}

/** Whether `ip` lies in one of `blocks`. An unparseable address lies in none. */
export function ipAllowed(ip: string | undefined, blocks: readonly CidrBlock[]): boolean {
  const bytes = ip === undefined ? undefined : parseIp(ip);
  if (bytes === undefined) return false;
  return blocks.some(({ bytes: network, prefix }) => {
    if (network.length !== bytes.length) return false;
    const whole = prefix >> 3;
    for (let i = 0; i < whole; i++) if (network[i] !== bytes[i]) return false;
    const rest = prefix & 7;
    if (rest === 0) return true;
    const mask = (0xff << (8 - rest)) & 0xff;
    return (network[whole]! & mask) === (bytes[whole]! & mask);
  });
}
