#!/usr/bin/env python3
"""botocore as the AWS CLI runs it, for test/vectors/cli-botocore.test.ts: how it parses the shared
config files, and the S3 URL it presigns from the environment and those files alone.

stdin: JSON array of cases, each one of
  {"parse": {"config": TEXT, "credentials": TEXT}}
      -> {"profiles": {name: {key: value or {sub: value}}}, "services": {...}}  (botocore's full
         config: config-file profiles with the credentials file's keys over them), or {"error": ...}
  {"presign": {"env": {...}, "config": TEXT?, "credentials": TEXT?, "profile": NAME?, "bucket",
               "key", "method", "expiresIn", "date": "YYYY-MM-DDTHH:MM:SSZ", "addressing": STYLE?}}
      -> {"url": URL} or {"error": ...}: a session built as the AWS CLI builds it (files in a
         temporary home, only the given environment; "profile" as --profile does), then
         generate_presigned_url on its S3 client with SigV4 and us-east-1's regional endpoint.
         "addressing" sets the client's addressing_style: botocore's "auto" presigns a bucket
         outside us-east-1 on the global endpoint (boto3#2989), and its legacy us-east-1 default
         is the global endpoint too; sigv4-presign deliberately copies neither.
stdout: JSON array, same order.
"""
import os
import shutil
import sys
import tempfile

try:
    import botocore
    import botocore.configloader
    import botocore.session
    from botocore.config import Config

    import botocore_batch
except ImportError as exc:
    sys.stderr.write(f"botocore unavailable: {exc}\n")
    sys.exit(3)

def in_home(case):
    """A temporary home holding .aws/config and .aws/credentials, and the environment pointing at it."""
    home = tempfile.mkdtemp(prefix='sigv4-botocore-home-')
    os.mkdir(os.path.join(home, '.aws'))
    for name in ('config', 'credentials'):
        if case.get(name) is not None:
            with open(os.path.join(home, '.aws', name), 'w', encoding='utf-8') as f:
                f.write(case[name])
    return home


def use_environment(env, home):
    for name in list(os.environ):
        if name.startswith('AWS_') or name == 'HOME':
            del os.environ[name]
    os.environ['HOME'] = home
    os.environ.update(env)


def parse(case):
    home = in_home(case)
    try:
        use_environment({}, home)
        session = botocore.session.get_session()
        full = session.full_config
        return {'profiles': full['profiles'], 'services': full.get('services', {})}
    finally:
        shutil.rmtree(home)


def presign(case):
    home = in_home(case)
    try:
        use_environment(case.get('env', {}), home)
        session = botocore.session.Session(profile=case.get('profile'))
        s3 = {'us_east_1_regional_endpoint': 'regional'}
        if case.get('addressing'):
            s3['addressing_style'] = case['addressing']
        client = session.create_client('s3', config=Config(
            signature_version='s3v4', request_checksum_calculation='when_required', s3=s3))
        botocore_batch.set_now(case['date'])
        operation = {'GET': 'get_object', 'PUT': 'put_object'}[case.get('method', 'GET')]
        url = client.generate_presigned_url(
            operation, Params={'Bucket': case['bucket'], 'Key': case['key']}, ExpiresIn=case['expiresIn'])
        return {'url': url}
    finally:
        shutil.rmtree(home)


def main():
    botocore_batch.serve(lambda case: parse(case['parse']) if 'parse' in case else presign(case['presign']))


if __name__ == '__main__':
    main()
