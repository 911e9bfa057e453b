"""Hosts that botocore builds, with the region and service it signs them for (the oracle of
test/vectors/endpoints-botocore.test.ts). Prints one JSON object:

  presigned: [{host, region, service, config}]  URLs presigned by botocore's own clients (endpoint
             rule sets) for every region of every partition, with FIPS and dual-stack, and S3's
             addressing forms; region and service are read from X-Amz-Credential.
  static:    [{host, region, service}]  every hostname in botocore's endpoints.json, with the
             credential scope it declares (region None when its endpoint key is not a region).
  prefixes:  {endpointPrefix: signingName}  from every service model.
  partitions: [{id, suffixes, regions}]  each partition's DNS suffixes and region names.

Usage: python3 botocore_endpoints.py [--version]
"""
import json
import re
import sys
from urllib.parse import parse_qs, urlsplit

import botocore
import botocore.session
from botocore.config import Config

if sys.argv[1:] == ['--version']:
    print(botocore.__version__)
    sys.exit(0)

session = botocore.session.get_session()
session.set_credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
loader = session.get_component('data_loader')
partitions = loader.load_data('partitions')['partitions']

# A presign needs no network: the clients below only build URLs. S3 client settings, each with the
# buckets presigned through it (ARNs name access points, Object Lambda and Outposts).
S3_CLIENTS = {
    'virtual': ({'addressing_style': 'virtual'}, {
        'virtual': 'examplebucket',
        'dotted': 'my.dotted.bucket',
        'accesspoint': 'arn:{partition}:s3:{region}:123456789012:accesspoint/myap',
        'object-lambda': 'arn:{partition}:s3-object-lambda:{region}:123456789012:accesspoint/mylambdaap',
        'outposts': 'arn:{partition}:s3-outposts:{region}:123456789012:outpost/op-01234567890123456/accesspoint/myap',
    }),
    'path': ({'addressing_style': 'path'}, {'path': 'examplebucket'}),
    'accelerate': ({'use_accelerate_endpoint': True}, {'accelerate': 'examplebucket'}),
    'global': ({'us_east_1_regional_endpoint': 'legacy'}, {'global': 'examplebucket'}),
}
# Services with an operation that needs no parameter: the first three in every region, the rest
# in each partition's first region.
OTHERS = [('sqs', 'list_queues'), ('sts', 'get_caller_identity'), ('lambda', 'list_functions'),
          ('dynamodb', 'list_tables'), ('kms', 'list_keys'), ('sns', 'list_topics'),
          ('secretsmanager', 'list_secrets'), ('logs', 'describe_log_groups'), ('ec2', 'describe_regions')]


presigned = []


def client(service, region, fips, dual_stack, s3=None):
    config = Config(signature_version='s3v4' if service == 's3' else 'v4', use_fips_endpoint=fips,
                    use_dualstack_endpoint=dual_stack, s3=dict(s3 or {}))  # botocore writes into it
    return session.create_client(service, region_name=region, config=config)


def presign(make_client, operation, params, label):
    try:
        url = make_client().generate_presigned_url(operation, Params=params)
    except Exception:  # a variant the partition does not offer
        return
    query = parse_qs(urlsplit(url).query)
    _, _, region, service, _ = query['X-Amz-Credential'][0].split('/')
    presigned.append({'host': urlsplit(url).netloc, 'region': region, 'service': service, 'config': label})


for partition in partitions:
    regions = [r for r in partition['regions'] if re.match(partition['regionRegex'], r)]  # not aws-global
    for region in regions:
        for fips in (False, True):
            for dual_stack in (False, True):
                variant = f'{region} fips={fips} dualstack={dual_stack}'
                for name, (s3, buckets) in S3_CLIENTS.items():
                    if name != 'virtual' and region not in regions[:3]:
                        continue  # each client costs tens of milliseconds; the virtual one sees every region
                    if name == 'global' and fips:
                        # botocore then names us-east-1's FIPS host while signing for the region
                        # asked: a URL that S3 refuses, not a fact about the host.
                        continue
                    try:
                        s3_client = client('s3', region, fips, dual_stack, s3)
                    except Exception:
                        continue
                    for label, bucket in buckets.items():
                        bucket = bucket.format(partition=partition['id'], region=region)
                        presign(lambda: s3_client, 'get_object', {'Bucket': bucket, 'Key': 'k'}, f's3 {label} {variant}')
                for service, operation in OTHERS if region == regions[0] else OTHERS[:3]:
                    presign(lambda: client(service, region, fips, dual_stack), operation, {}, f'{service} {variant}')

prefixes = {}
for name in session.get_available_services():
    metadata = loader.load_service_model(name, 'service-2')['metadata']
    prefixes[metadata['endpointPrefix']] = metadata.get('signingName', metadata['endpointPrefix'])

static = []
for partition in loader.load_data('endpoints')['partitions']:
    region_regex = re.compile(partition['regionRegex'])
    template = partition['defaults']['hostname']
    for service, data in partition['services'].items():
        for key, endpoint in data.get('endpoints', {}).items():
            host = (endpoint.get('hostname') or data.get('defaults', {}).get('hostname') or template)
            host = host.replace('{service}', service).replace('{region}', key).replace(
                '{dnsSuffix}', partition['dnsSuffix'])
            scope = endpoint.get('credentialScope', {})
            region = scope.get('region') or (key if region_regex.match(key) else None)
            static.append({'host': host, 'region': region,
                           'service': scope.get('service') or prefixes.get(service)})

print(json.dumps({
    'presigned': presigned,
    'static': static,
    'prefixes': prefixes,
    'partitions': [{'id': p['id'], 'suffixes': [p['outputs']['dnsSuffix'], p['outputs']['dualStackDnsSuffix']],
                    'regions': [r for r in p['regions'] if re.match(p['regionRegex'], r)]}
                   for p in partitions],
}))
