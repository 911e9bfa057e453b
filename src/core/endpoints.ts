/**
 * What an AWS host name says about how to sign for it: the region it names and, where the name
 * leaves no doubt, the service's signing name. A presign can then take both from the URL, and
 * refuse a region that contradicts the host (S3 answers such a URL with
 * `AuthorizationHeaderMalformed` or `SignatureDoesNotMatch`).
 *
 * A host names a region when it ends with a DNS suffix of the commercial, China or European
 * Sovereign Cloud partition, preceded by a region name of that partition (the partitions'
 * `regionRegex` in botocore's `partitions.json`). Anything else names none, and signing it needs
 * an explicit region:
 *
 * | host | region | service |
 * |---|---|---|
 * | `BUCKET.s3.REGION.amazonaws.com`, `s3.REGION.amazonaws.com` | REGION | `s3` |
 * | `BUCKET.s3.dualstack.REGION…`, `BUCKET.s3-fips.REGION…`, `BUCKET.s3-fips.dualstack.REGION…` | REGION | `s3` |
 * | `BUCKET.s3-REGION.amazonaws.com`, `s3-fips-REGION…` (legacy dash forms), `s3-external-1…` (us-east-1) | REGION | `s3` |
 * | `AP-ACCOUNT.s3-accesspoint[-fips][.dualstack].REGION…`, `ACCOUNT.s3-control.REGION…` | REGION | `s3` |
 * | `AP-ACCOUNT.s3-object-lambda.REGION…`, `AP-ACCOUNT.OUTPOST.s3-outposts.REGION…` | REGION | `s3-object-lambda`, `s3-outposts` |
 * | `BUCKET--AZ--x-s3.s3express-AZ.REGION…` (directory buckets) | REGION | none: `s3` or `s3express`, by credentials |
 * | `BUCKET.s3-website.REGION…` (website endpoints take no signed request) | REGION | none |
 * | `API.execute-api.REGION…`, `API.appsync-api.REGION…` | REGION | `execute-api`, `appsync` |
 * | `URL.lambda-url.REGION.on.aws` (function URLs), `CLUSTER.dsql.REGION.on.aws` | REGION | `lambda`, `dsql` |
 * | `SERVICE.REGION.amazonaws.com`, `SERVICE-fips.REGION…` | REGION | SERVICE for `sts`, `sqs`, `sns`, `ec2`, `rds`, `monitoring`, `cloudformation`, `elasticloadbalancing`, `autoscaling`, `lambda`, `polly`, `dynamodb`, `kinesis`, `iot`; else none |
 * | `SERVICE.REGION.api.aws`, `SERVICE-fips.REGION.api.aws` (dual-stack) | REGION | same |
 * | `….REGION.amazonaws.com.cn`, `….REGION.api.amazonwebservices.com.cn` (China) | REGION | same |
 * | `….REGION.amazonaws.eu`, `….REGION.api.amazonwebservices.eu` (European Sovereign Cloud) | REGION | same |
 * | `DOMAIN.REGION.es.amazonaws.com` (OpenSearch), `COLLECTION.REGION.aoss.amazonaws.com` | REGION | `es`, `aoss` |
 * | `DB.ID.REGION.rds.amazonaws.com`, `DB.ID.REGION.neptune.amazonaws.com` | REGION | none: IAM auth tokens sign as `rds-db`, `neptune-db` |
 * | `ID.SERVICE.REGION.vpce.amazonaws.com`, `BUCKET.ID.s3.REGION.vpce…` (PrivateLink) | REGION | as above after a customer's labels (`s3`, `execute-api`…); else none |
 * | `ACCOUNT-ats.iot.REGION…` | REGION | none: `iotdata` over HTTP, `iotdevicegateway` for MQTT |
 * | `s3.amazonaws.com`, `BUCKET.s3.amazonaws.com`, `BUCKET.s3-accelerate[.dualstack].amazonaws.com`, `*.s3-global.amazonaws.com`, `sts.amazonaws.com`, `iam.amazonaws.com` | none: global | |
 * | the ISO partitions (`c2s.ic.gov`, `sc2s.sgov.gov`, `cloud.adc-e.uk`, `csp.hci.ic.gov`) | none: not read | |
 * | custom domains, `localhost`, IP addresses, `s3.us-east-1.amazonaws.com.evil.example` | none | |
 *
 * A signing name is never guessed from an endpoint prefix: many differ (`email` signs as `ses`,
 * `bedrock-runtime` as `bedrock`), so any prefix outside the table gives the region alone.
 *
 * @example
 * ```ts
 * parseAwsHost('examplebucket.s3.eu-west-1.amazonaws.com'); // { region: 'eu-west-1', service: 's3' }
 * parseAwsHost('abc123.execute-api.us-east-2.amazonaws.com'); // { region: 'us-east-2', service: 'execute-api' }
 * parseAwsHost('search-logs-x1.eu-central-1.es.amazonaws.com'); // { region: 'eu-central-1', service: 'es' }
 * parseAwsHost('s3.amazonaws.com'); // undefined: a global endpoint names no region
 * parseAwsHost('s3.us-east-1.amazonaws.com.attacker.net'); // undefined
 * ```
 * @module
 */

/** What an AWS host name says about how to sign for it. */
export interface AwsHost {
  /** The region the host names, such as `eu-west-1`. */
  readonly region: string;
  /** The service's signing name, present only when the host leaves no doubt (`s3`, `execute-api`, `lambda`). */
  readonly service?: string;
}

// LABELS.REGION[.es|.aoss|.rds|.neptune|.vpce].SUFFIX for the commercial, China and European
// Sovereign Cloud partitions: their region names (botocore partitions.json, `regionRegex`) and the
// DNS suffixes of their regional, dual-stack and `on.aws` endpoints. `s3-REGION` and
// `s3-fips-REGION` are S3's legacy names. Labels are never empty; being greedy, they leave the
// rightmost region-like label as the region.
const HOST =
  /^((?:[^.]+\.)*)(s3-(?:fips-)?)?((us|eu|ap|sa|ca|me|af|il|mx|us-gov|cn|eusc-de)-[a-z0-9]+-\d+)(\.(?:(es|aoss)|rds|neptune|(vpce)))?\.(amazonaws\.(?:com|com\.cn|eu)|api\.amazonwebservices\.(?:com\.cn|eu)|(?:api|on)\.aws)$/;

// The labels before the region that name the service, with its signing name as the first group
// that matched: an endpoint after labels the customer chose (a bucket, an API id, an access
// point), or the whole prefix of a common service whose signing name is the prefix itself
// (botocore's service models; the Query APIs that a GET can call, and a few REST APIs). FIPS and
// dual-stack forms included.
const SERVICE =
  /(?:^|\.)(?:(s3)(?:-accesspoint|-control)?|(s3-object-lambda|s3-outposts|execute-api|dsql)|(appsync)-api|(lambda)-url)(?:-fips)?\.(?:dualstack\.)?$|^(sts|sqs|sns|ec2|rds|monitoring|cloudformation|elasticloadbalancing|autoscaling|lambda|polly|dynamodb|kinesis|iot)(?:-fips)?\.(?:dualstack\.)?$/;

/** The host's parts when it is a regional name of an AWS partition that its region belongs to. */
function matchHost(host: string): RegExpExecArray | undefined {
  const name = (typeof host === 'string' ? host : '')
    .toLowerCase()
    .replace(/:\d+$/, '')
    .replace(/(^|\.)s3-external-1(?=\.amazonaws\.com$)/, '$1s3-us-east-1'); // legacy name of us-east-1
  const match = HOST.exec(name);
  if (match === null) return undefined;
  const [, labels, legacyS3, , partition, after, , , suffix = ''] = match;
  // A China region only under a China suffix, a European Sovereign Cloud region only under .eu;
  // the legacy S3 names only as they were; other names have labels before the region.
  if ((partition === 'cn') !== suffix.endsWith('.cn') || (partition === 'eusc-de') !== suffix.endsWith('.eu')) return;
  if (legacyS3 ? after || suffix !== 'amazonaws.com' : !labels) return;
  return match;
}

/**
 * The region an AWS host name states, or `undefined`: {@link parseAwsHost} without the service,
 * for a bundle that needs only the region.
 *
 * @example
 * ```ts
 * awsHostRegion('examplebucket.s3.eu-west-1.amazonaws.com'); // 'eu-west-1'
 * awsHostRegion('s3.amazonaws.com');                         // undefined
 * ```
 */
export const awsHostRegion = (host: string): string | undefined => matchHost(host)?.[3];

/**
 * Reads an AWS host name (optionally with a `:port`, in any case) and returns the region it
 * names, with the signing service when the name leaves no doubt; `undefined` for a host that
 * names no region (a custom domain, a global endpoint such as `s3.amazonaws.com`, `localhost`,
 * an IP address). See the module's table for every form.
 *
 * @example
 * ```ts
 * parseAwsHost('examplebucket.s3.dualstack.ap-south-1.amazonaws.com'); // { region: 'ap-south-1', service: 's3' }
 * parseAwsHost('x7k2.lambda-url.eu-west-1.on.aws');                    // { region: 'eu-west-1', service: 'lambda' }
 * parseAwsHost('data-ats.iot.us-east-1.amazonaws.com');                // { region: 'us-east-1' }: iotdata or iotdevicegateway
 * parseAwsHost('minio.internal:9000');                                 // undefined
 * ```
 */
export function parseAwsHost(host: string): AwsHost | undefined {
  const match = matchHost(host);
  if (match === undefined) return undefined;
  const [, labels = '', legacyS3, region = '', , after, esOrAoss, privateLink] = match;
  // An RDS or Neptune name's labels are a database's, not an endpoint's; PrivateLink's are an endpoint's.
  const service = legacyS3
    ? 's3'
    : (esOrAoss ?? (after && !privateLink ? undefined : SERVICE.exec(labels)?.slice(1).find(Boolean)));
  return service === undefined ? { region } : { region, service };
}
