/**
 * A Node gateway process for tests: `node <bundle> <directory> <config JSON>` starts
 * {@link startGateway} on a free loopback port with the fixture key pair and prints its URL.
 * The config JSON may set `allowedSourceIps`, `host` and `requiredSignedHeaders`.
 */
import { startGateway } from '../../src/gateway-node.js';
import { secretFor } from './verify-fixtures.js';

const [directory = '', config = '{}'] = process.argv.slice(2);
const gateway = await startGateway({ directory, secretFor, ...(JSON.parse(config) as object) });
process.stdout.write(gateway.url + '\n');
