/**
 * The crypto floors: one SHA-256 of a canonical request plus one HMAC-SHA256 of a string to sign
 * under an already-derived key, hex out, and nothing else. No presigner can beat the floor of the
 * backend it runs on; the distance to it is the cost of everything that is not hashing.
 *
 * @example
 * ```js
 * const run = FLOORS[0].make(canonicalRequest, stringToSign, signingKey);
 * run(); // '5d3c...' (the signature)
 * ```
 * @module
 */
import { createHmac, hash } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const utf8 = new TextEncoder();

/** Hex of WebCrypto's ArrayBuffer output (WebCrypto has no hex encoder of its own). */
function bufferToHex(buffer) {
  return Buffer.from(buffer).toString('hex');
}

/**
 * @typedef {object} Floor
 * @property {'node' | 'noble' | 'webcrypto'} id
 * @property {string} label
 * @property {(canonicalRequest: string, stringToSign: string, key: Uint8Array) => () => string | Promise<string>} make
 */

/** @type {Floor[]} */
export const FLOORS = [
  {
    id: 'node',
    label: 'floor: node:crypto',
    make: (canonicalRequest, stringToSign, key) => () => {
      hash('sha256', canonicalRequest, 'hex');
      return createHmac('sha256', key).update(stringToSign).digest('hex');
    },
  },
  {
    id: 'noble',
    label: 'floor: @noble/hashes',
    // The fastest HMAC noble offers for a reused key: clone a state with both pads absorbed.
    make: (canonicalRequest, stringToSign, key) => {
      const keyed = hmac.create(sha256, key);
      return () => {
        bytesToHex(sha256(utf8.encode(canonicalRequest)));
        return bytesToHex(keyed.clone().update(utf8.encode(stringToSign)).digest());
      };
    },
  },
  {
    id: 'webcrypto',
    label: 'floor: WebCrypto',
    make: (canonicalRequest, stringToSign, key) => {
      const cryptoKey = crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return async () => {
        bufferToHex(await crypto.subtle.digest('SHA-256', utf8.encode(canonicalRequest)));
        return bufferToHex(await crypto.subtle.sign('HMAC', await cryptoKey, utf8.encode(stringToSign)));
      };
    },
  },
];
