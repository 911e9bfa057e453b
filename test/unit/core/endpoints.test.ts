/**
 * parseAwsHost: the region and signing service an AWS host name states. Host shapes come from
 * AWS's documentation (S3 virtual-hosted, path, dual-stack, FIPS, legacy dash, access point,
 * Object Lambda, Outposts and directory-bucket endpoints; API Gateway, AppSync, Lambda function
 * URLs, Aurora DSQL, OpenSearch, RDS and PrivateLink endpoints) and botocore's partitions.json;
 * test/vectors/endpoints-botocore.test.ts checks every host botocore itself builds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { awsHostRegion, parseAwsHost } from '../../../src/core/endpoints.js';

type Expected = readonly [host: string, region: string | undefined, service?: string];

function check(cases: readonly Expected[]) {
  for (const [host, region, service] of cases) {
    test(host || "''", () => {
      const expected = region === undefined ? undefined : service === undefined ? { region } : { region, service };
      expect(parseAwsHost(host)).toEqual(expected);
      expect(awsHostRegion(host)).toBe(region);
    });
  }
}

describe('S3', () => {
  check([
    ['examplebucket.s3.eu-west-1.amazonaws.com', 'eu-west-1', 's3'],
    ['my.dotted.bucket.s3.eu-west-1.amazonaws.com', 'eu-west-1', 's3'],
    ['s3.eu-west-1.amazonaws.com', 'eu-west-1', 's3'],
    ['s3.us-east-1.amazonaws.com', 'us-east-1', 's3'],
    ['examplebucket.s3.dualstack.ap-south-1.amazonaws.com', 'ap-south-1', 's3'],
    ['s3.dualstack.ap-south-1.amazonaws.com', 'ap-south-1', 's3'],
    ['examplebucket.s3-fips.us-east-2.amazonaws.com', 'us-east-2', 's3'],
    ['examplebucket.s3-fips.dualstack.us-gov-west-1.amazonaws.com', 'us-gov-west-1', 's3'],
    ['examplebucket.s3.cn-north-1.amazonaws.com.cn', 'cn-north-1', 's3'],
    ['s3.dualstack.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1', 's3'],
    ['examplebucket.s3.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1', 's3'],
    // Legacy dash forms.
    ['examplebucket.s3-us-west-2.amazonaws.com', 'us-west-2', 's3'],
    ['s3-us-west-2.amazonaws.com', 'us-west-2', 's3'],
    ['s3-eu-west-1.amazonaws.com', 'eu-west-1', 's3'],
    ['s3-fips-us-gov-west-1.amazonaws.com', 'us-gov-west-1', 's3'],
    ['s3-external-1.amazonaws.com', 'us-east-1', 's3'],
    ['examplebucket.s3-external-1.amazonaws.com', 'us-east-1', 's3'],
    // Access points, control, Object Lambda, Outposts.
    ['myap-123456789012.s3-accesspoint.us-west-2.amazonaws.com', 'us-west-2', 's3'],
    ['myap-123456789012.s3-accesspoint-fips.dualstack.us-west-2.amazonaws.com', 'us-west-2', 's3'],
    ['123456789012.s3-control.us-west-2.amazonaws.com', 'us-west-2', 's3'],
    ['mylambdaap-123456789012.s3-object-lambda.us-west-2.amazonaws.com', 'us-west-2', 's3-object-lambda'],
    ['myap-123456789012.op-01234567890123456.s3-outposts.us-west-2.amazonaws.com', 'us-west-2', 's3-outposts'],
    // Directory buckets sign as s3 (regular credentials) or s3express (session): the host cannot say.
    ['mybucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com', 'us-west-2'],
    ['s3express-control.us-west-2.amazonaws.com', 'us-west-2'],
    // Website endpoints name their region but accept no signed request.
    ['examplebucket.s3-website.eu-central-1.amazonaws.com', 'eu-central-1'],
    ['examplebucket.s3-website-us-east-1.amazonaws.com', undefined],
    // Global names: no region.
    ['s3.amazonaws.com', undefined],
    ['examplebucket.s3.amazonaws.com', undefined],
    ['us-west-2.s3.amazonaws.com', undefined], // a bucket called us-west-2 on the global endpoint
    ['examplebucket.s3-accelerate.amazonaws.com', undefined],
    ['examplebucket.s3-accelerate.dualstack.amazonaws.com', undefined],
    ['mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com', undefined],
    // A bucket named like a region is a customer label, never the region.
    ['eu-west-1.s3.us-east-2.amazonaws.com', 'us-east-2', 's3'],
    ['s3-eu-west-1.s3.us-east-2.amazonaws.com', 'us-east-2', 's3'],
  ]);
});

describe('other services', () => {
  check([
    ['abc123.execute-api.eu-west-1.amazonaws.com', 'eu-west-1', 'execute-api'],
    ['abc123-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com', 'eu-west-1', 'execute-api'],
    ['abcdefghij.appsync-api.us-east-1.amazonaws.com', 'us-east-1', 'appsync'],
    ['x7k2a4lmnop.lambda-url.eu-west-1.on.aws', 'eu-west-1', 'lambda'],
    ['abcdefghijklmnopqrst123456.dsql.us-east-1.on.aws', 'us-east-1', 'dsql'],
    ['search-logs-abc123.eu-central-1.es.amazonaws.com', 'eu-central-1', 'es'],
    ['vpc-logs-abc123.eu-central-1.es.amazonaws.com', 'eu-central-1', 'es'],
    ['abc123xyz.us-east-1.aoss.amazonaws.com', 'us-east-1', 'aoss'],
    ['mydb.c9akciq32.rds.amazonaws.com', undefined], // no region label
    ['mydb.c9akciq32.eu-west-1.rds.amazonaws.com', 'eu-west-1'],
    ['mycluster.cluster-c9akciq32.eu-west-1.rds.amazonaws.com', 'eu-west-1'],
    ['db-neptune-1.cluster-c9akciq32.us-east-1.neptune.amazonaws.com', 'us-east-1'],
    // Prefixes alone.
    ['sqs.us-east-1.amazonaws.com', 'us-east-1', 'sqs'],
    ['sqs-fips.us-east-1.amazonaws.com', 'us-east-1', 'sqs'],
    ['sqs.us-east-1.api.aws', 'us-east-1', 'sqs'],
    ['sqs-fips.us-gov-west-1.api.aws', 'us-gov-west-1', 'sqs'],
    ['sqs.cn-north-1.api.amazonwebservices.com.cn', 'cn-north-1', 'sqs'],
    ['sts.eu-west-1.amazonaws.com', 'eu-west-1', 'sts'],
    ['lambda.ap-southeast-7.amazonaws.com', 'ap-southeast-7', 'lambda'],
    ['dynamodb.mx-central-1.amazonaws.com', 'mx-central-1', 'dynamodb'],
    ['polly.eu-west-1.amazonaws.com', 'eu-west-1', 'polly'],
    ['ec2.eu-west-1.api.aws', 'eu-west-1', 'ec2'],
    ['iot.us-east-1.amazonaws.com', 'us-east-1', 'iot'],
    // Account endpoints of IoT sign as iotdata (HTTP) or iotdevicegateway (MQTT over WebSocket).
    ['a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com', 'us-east-1'],
    ['data-ats.iot.us-east-1.amazonaws.com', 'us-east-1'],
    ['data.iot-fips.us-east-1.amazonaws.com', 'us-east-1'],
    // An endpoint prefix is never taken for a signing name: services outside the short list, and
    // those whose signing name differs, give the region alone.
    ['monitoring.eu-west-1.amazonaws.com', 'eu-west-1', 'monitoring'],
    ['someservice.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['streams.dynamodb.us-east-1.amazonaws.com', 'us-east-1'],
    ['api.ecr.us-east-1.amazonaws.com', 'us-east-1'],
    ['email.eu-west-1.amazonaws.com', 'eu-west-1'], // signs as ses
    ['bedrock-runtime.us-west-2.amazonaws.com', 'us-west-2'], // signs as bedrock
    ['runtime.sagemaker.us-east-1.amazonaws.com', 'us-east-1'],
    ['secretsmanager.us-east-1.amazonaws.com', 'us-east-1'],
    ['pinpoint.eu-west-1.amazonaws.com', 'eu-west-1'], // signs as mobiletargeting
    ['x.sqs.us-east-1.amazonaws.com', 'us-east-1'],
    // PrivateLink.
    ['examplebucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com', 'us-east-1', 's3'],
    ['vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com', 'us-east-1', 's3'],
    ['vpce-0abc-1234.sqs.us-east-1.vpce.amazonaws.com', 'us-east-1'],
    ['vpce-0abc-1234.us-east-1.vpce.amazonaws.com', 'us-east-1'], // the endpoint's regional name
    // Global services.
    ['sts.amazonaws.com', undefined],
    ['iam.amazonaws.com', undefined],
    ['iam.us-gov.amazonaws.com', undefined],
    ['cloudfront.amazonaws.com', undefined],
    // Pseudo-regions in endpoint keys are not regions.
    ['secretsmanager.us-east-1-fips.amazonaws.com', undefined],
    ['m2.fips-us-east-1.amazonaws.com', undefined],
    ['api.ecr.dkr-us-east-1.amazonaws.com', undefined],
    ['ec2-203-0-113-25.compute-1.amazonaws.com', undefined],
  ]);
});

describe('hosts that name no AWS region', () => {
  check([
    ['localhost', undefined],
    ['localhost:9000', undefined],
    ['127.0.0.1', undefined],
    ['127.0.0.1:9000', undefined],
    ['[::1]', undefined],
    ['[::1]:9000', undefined],
    ['files.example.com', undefined],
    ['minio.internal:9000', undefined],
    ['account.r2.cloudflarestorage.com', undefined],
    ['s3.us-west-002.backblazeb2.com', undefined],
    ['storage.googleapis.com', undefined],
    ['amazonaws.com', undefined],
    ['us-east-1.amazonaws.com', undefined],
    ['.us-east-1.amazonaws.com', undefined],
    ['s3..us-east-1.amazonaws.com', undefined],
    ['', undefined],
    // Look-alikes: the suffix must be the whole end of the name, on a label boundary.
    ['amazonaws.com.evil.example', undefined],
    ['s3.us-east-1.amazonaws.com.attacker.net', undefined],
    ['s3.us-east-1.amazonaws.com.', undefined],
    ['s3.us-east-1.evilamazonaws.com', undefined],
    ['s3.us-east-1.evil-amazonaws.com', undefined],
    ['s3.us-east-1.amazonaws.co', undefined],
    ['s3.us-east-1.amazonaws.com.cn.evil.example', undefined],
    ['x.lambda-url.us-east-1.on.aws.evil.example', undefined],
    ['x.lambda-url.us-east-1.won.aws', undefined],
    ['s3.us-east-1.amazonaws.com@evil.example', undefined],
    // A region from the wrong partition is no region of that suffix.
    ['s3.cn-north-1.amazonaws.com', undefined],
    ['s3.us-east-1.amazonaws.com.cn', undefined],
    ['sqs.us-iso-east-1.amazonaws.com', undefined],
    ['s3.us-gov-west-1.c2s.ic.gov', undefined],
    ['s3-cn-north-1.amazonaws.com.cn', undefined],
    // The ISO partitions (air-gapped) are not read: their URLs need an explicit region.
    ['examplebucket.s3.us-iso-east-1.c2s.ic.gov', undefined],
    ['examplebucket.s3.us-isob-east-1.sc2s.sgov.gov', undefined],
    ['examplebucket.s3.eu-isoe-west-1.cloud.adc-e.uk', undefined],
    ['examplebucket.s3.us-isof-south-1.csp.hci.ic.gov', undefined],
    ['sqs.us-iso-east-1.api.aws.ic.gov', undefined],
    // Region-like labels that are not regions.
    ['s3.us-east.amazonaws.com', undefined],
    ['s3.us-east-1a.amazonaws.com', undefined],
    ['s3.xx-east-1.amazonaws.com', undefined],
    ['s3.us-east-1-.amazonaws.com', undefined],
    ['s3-website.amazonaws.com', undefined],
    ['s3-us.amazonaws.com', undefined],
  ]);
});

describe('reading the name', () => {
  check([
    ['ExampleBucket.S3.EU-WEST-1.AmazonAWS.com', 'eu-west-1', 's3'],
    ['examplebucket.s3.eu-west-1.amazonaws.com:443', 'eu-west-1', 's3'],
    ['sqs.us-east-1.amazonaws.com:8443', 'us-east-1', 'sqs'],
    // Table lookups read own keys only.
    ['constructor.us-east-1.amazonaws.com', 'us-east-1'],
    ['__proto__.us-east-1.amazonaws.com', 'us-east-1'],
    ['x.tostring.us-east-1.amazonaws.com', 'us-east-1'],
    ['x.hasownproperty.us-east-1.vpce.amazonaws.com', 'us-east-1'],
    ['db.constructor.us-east-1.amazonaws.com', 'us-east-1'],
    ['x.us-east-1.constructor.amazonaws.com', undefined],
    ['x.us-east-1.__proto__.amazonaws.com', undefined],
  ]);

  test('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.domain(), fc.anything()), (input) => {
        const result = parseAwsHost(input as string);
        expect(result === undefined || typeof result.region === 'string').toBe(true);
      }),
    );
  });

  test('long names are read in one pass (the patterns do not backtrack over labels)', () => {
    expect(parseAwsHost('a.'.repeat(50_000) + 'us-east-1.amazonaws.co')).toBeUndefined();
    expect(parseAwsHost('us-east-1-'.repeat(10_000) + '1.amazonaws.com')).toBeUndefined();
    expect(parseAwsHost('x.' + 's3.'.repeat(20_000) + 'us-east-1.amazonaws.com')).toEqual({
      region: 'us-east-1',
      service: 's3',
    });
  });

  test('a name outside the AWS suffixes never names a region', () => {
    const suffixes =
      /\.(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|api\.aws|on\.aws|api\.amazonwebservices\.(?:com\.cn|eu))(?::\d+)?$/i;
    fc.assert(
      fc.property(fc.domain(), (domain) => {
        fc.pre(!suffixes.test(domain));
        expect(parseAwsHost(domain)).toBeUndefined();
        expect(parseAwsHost(`s3.us-east-1.amazonaws.com.${domain}`)).toBeUndefined();
      }),
    );
  });

  test('customer labels before SERVICE.REGION never change the region or the service', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (labels) => {
        const bucket = labels.join('.');
        expect(parseAwsHost(`${bucket}.s3.ap-northeast-3.amazonaws.com`)).toEqual({
          region: 'ap-northeast-3',
          service: 's3',
        });
        expect(parseAwsHost(`${bucket}.execute-api.il-central-1.amazonaws.com`)).toEqual({
          region: 'il-central-1',
          service: 'execute-api',
        });
      }),
    );
  });
});
