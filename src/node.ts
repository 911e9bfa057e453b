/**
 * Node's entry point (the `node` export condition): the same API as the default entry, with
 * node:crypto as the default backend. Edge and browser bundles resolve the default entry and
 * never see this file.
 * @module
 */
import { setDefaultBackend } from './core/hash.js';
import { nodeBackend } from './core/hash-node.js';

setDefaultBackend(nodeBackend);

export * from './index.js';
export { nodeBackend } from './core/hash-node.js';
