/**
 * A Node gateway process for tests: `node <bundle> <directory>` starts {@link startGateway} on a
 * free loopback port and prints its URL. The one key pair comes from the environment
 * (GATEWAY_ACCESS_KEY_ID, GATEWAY_SECRET_ACCESS_KEY), as a deployment would pass it.
 */
import { startGateway } from '../../src/gateway/node.js';

const { GATEWAY_ACCESS_KEY_ID: accessKeyId, GATEWAY_SECRET_ACCESS_KEY: secret } = process.env;
if (!accessKeyId || !secret) throw new Error('set GATEWAY_ACCESS_KEY_ID and GATEWAY_SECRET_ACCESS_KEY');
const gateway = await startGateway({
  directory: process.argv[2] ?? 'objects',
  secretFor: (id) => (id === accessKeyId ? secret : undefined),
});
process.stdout.write(gateway.url + '\n');
