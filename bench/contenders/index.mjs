/**
 * Every contender, in table order. A contender turns a workload into a signing function of the
 * key index; the bench checks its signatures against this engine's before it times anything.
 *
 * @example
 * ```js
 * for (const contender of CONTENDERS) console.log(contender.label, await contender.make(WORKLOADS[0])(0));
 * ```
 * @module
 */
import { aws4Contender } from './aws4.mjs';
import { aws4fetchContender } from './aws4fetch.mjs';
import { minioContender } from './minio.mjs';
import { oursNode, oursPureJs } from './ours.mjs';
import { sdkContender } from './sdk.mjs';
import { smithyNode, smithyPureJs } from './smithy.mjs';

/**
 * @typedef {object} Contender
 * @property {string} id        stable name in JSON
 * @property {string} label     name in tables and the chart
 * @property {'node' | 'noble' | 'webcrypto'} floor  the crypto floor of the backend it runs on
 * @property {string} [backend]  its hash library, when that is not the floor's
 * @property {(workload: import('../workloads.mjs').Workload) => (i: number) => string | Promise<string>} make
 */

/** @type {Contender[]} */
export const CONTENDERS = [
  oursNode,
  oursPureJs,
  aws4Contender,
  aws4fetchContender,
  smithyNode,
  smithyPureJs,
  minioContender,
  sdkContender,
];
