/**
 * The Node entry of `sigv4-presign/v4a` (the `node` export condition): the same API, with
 * node:crypto's ECDSA, SHA-256 and HMAC as the defaults. Edge and browser bundles resolve
 * ./v4a.ts and never see this file.
 * @module
 */
import { setDefaultEcdsa } from './core/ecdsa.js';
import { nodeEcdsa } from './core/ecdsa-node.js';
import { setDefaultBackend } from './core/hash.js';
import { nodeBackend } from './core/hash-node.js';

setDefaultBackend(nodeBackend);
setDefaultEcdsa(nodeEcdsa);

export * from './v4a.js';
export { nodeEcdsa } from './core/ecdsa-node.js';
