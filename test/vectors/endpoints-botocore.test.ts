/**
 * parseAwsHost against botocore: every host botocore's own clients presign (endpoint rule sets,
 * every region of every partition, FIPS and dual-stack, S3's addressing forms, access points,
 * Object Lambda, Outposts), every hostname in its endpoints.json, and every service's endpoint
 * prefix. A region or service we report must be the one botocore signs with; the common forms
 * must be recognised. Expected values come from botocore (test/support/botocore_endpoints.py).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAwsHost } from '../../src/core/endpoints.js';
import { requireBotocore } from '../support/botocore-s3.js';

interface Signed {
  readonly host: string;
  readonly region: string | null;
  readonly service: string | null;
  readonly config?: string;
}
interface Oracle {
  readonly presigned: readonly Signed[];
  readonly static: readonly Signed[];
  readonly prefixes: Readonly<Record<string, string>>;
  readonly partitions: ReadonlyArray<{
    readonly id: string;
    readonly suffixes: readonly string[];
    readonly regions: readonly string[];
  }>;
}

function loadOracle(): Oracle {
  const script = fileURLToPath(new URL('../support/botocore_endpoints.py', import.meta.url));
  const run = spawnSync(process.env['SIGV4_ORACLE_PYTHON'] ?? 'python3', [script], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`botocore_endpoints.py exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Oracle;
}

/**
 * Whether what we read from the host agrees with what botocore signs with (`null`: botocore does
 * not say, as for the pseudo-region keys of endpoints.json such as `fips-us-east-1`).
 */
function agrees(host: string, region: string | null, service: string | null): boolean {
  const read = parseAwsHost(host);
  if (read === undefined) return true;
  return (region === null || read.region === region) && (service === null || (read.service ?? service) === service);
}

describe.runIf(requireBotocore('the endpoint table against botocore'))('parseAwsHost against botocore', () => {
  const oracle = loadOracle();
  // The partitions whose names are read; the ISO ones (air-gapped) are not.
  const read = oracle.partitions.filter((p) => ['aws', 'aws-cn', 'aws-us-gov', 'aws-eusc'].includes(p.id));
  /** Hosts of the usual regional forms: SOMETHING.REGION.SUFFIX for a read partition's suffixes. */
  const regionalForm = (host: string, region: string | null) =>
    region !== null &&
    read.some((p) => p.regions.includes(region) && p.suffixes.some((suffix) => host.endsWith(`.${region}.${suffix}`)));

  it('agrees with the region and service of every URL botocore presigns', () => {
    const everyRegion = oracle.partitions.flatMap((p) => p.regions);
    expect(everyRegion.length).toBeGreaterThan(40);
    expect(new Set(oracle.presigned.map((c) => c.region))).toEqual(new Set(everyRegion));
    const disagreements = oracle.presigned.filter((c) => !agrees(c.host, c.region, c.service));
    expect(disagreements).toEqual([]);
  });

  it('recognises every regional host botocore presigns in the partitions read, S3 with its signing name', () => {
    const missed = oracle.presigned.filter((c) => regionalForm(c.host, c.region) && parseAwsHost(c.host) === undefined);
    expect(missed).toEqual([]);
    const s3 = oracle.presigned.filter(
      (c) => c.config?.startsWith('s3 ') && regionalForm(c.host, c.region) && !c.host.includes('.s3express-'),
    );
    expect(s3.filter((c) => parseAwsHost(c.host)?.service !== c.service)).toEqual([]);
    const forms = new Set(s3.map((c) => c.config!.split(' ')[1]));
    expect([...forms].sort()).toEqual([
      'accesspoint',
      'dotted',
      'global',
      'object-lambda',
      'outposts',
      'path',
      'virtual',
    ]);
  });

  it('reads no region from the global endpoints botocore uses', () => {
    const global = oracle.presigned.filter((c) => / (?:accelerate|global) /.test(c.config ?? ''));
    const hosts = new Set(global.filter((c) => !regionalForm(c.host, c.region)).map((c) => c.host));
    expect(hosts).toContain('examplebucket.s3.amazonaws.com');
    expect(hosts).toContain('examplebucket.s3-accelerate.amazonaws.com');
    expect(hosts).toContain('examplebucket.s3-accelerate.dualstack.amazonaws.com');
    expect([...hosts].filter((host) => parseAwsHost(host) !== undefined)).toEqual([]);
  });

  it('agrees with every hostname of endpoints.json and its credential scope, and recognises the regional ones', () => {
    expect(oracle.static.length).toBeGreaterThan(5000);
    expect(oracle.static.filter((c) => !agrees(c.host, c.region, c.service))).toEqual([]);
    const regional = oracle.static.filter((c) => regionalForm(c.host, c.region));
    expect(regional.length).toBeGreaterThan(5000);
    expect(regional.filter((c) => parseAwsHost(c.host)?.region !== c.region)).toEqual([]);
  });

  it("names a service only by the signing name botocore's models give its endpoint prefix", () => {
    const named: string[] = [];
    for (const [prefix, signingName] of Object.entries(oracle.prefixes)) {
      for (const host of [
        `${prefix}.us-east-1.amazonaws.com`,
        `${prefix}-fips.us-gov-west-1.amazonaws.com`,
        `${prefix}.eu-west-1.api.aws`,
        `${prefix}.cn-north-1.amazonaws.com.cn`,
      ]) {
        const read = parseAwsHost(host);
        expect(read?.region, host).toBe(host.split('.').at(prefix.split('.').length));
        if (read?.service !== undefined) {
          expect(read.service, host).toBe(signingName);
          named.push(prefix);
        }
      }
    }
    // The common services are named; the rest give the region alone.
    for (const prefix of ['s3', 'sqs', 'sts', 'lambda', 'execute-api', 'dynamodb', 'polly', 'ec2'])
      expect(named, prefix).toContain(prefix);
  });
});
