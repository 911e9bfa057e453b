#!/usr/bin/env python3
"""Presigned S3 URLs from botocore's own S3 client (generate_presigned_url), for the tests.

Unlike test/support/botocore_oracle.py, which signs a URL it is given, this starts from a
bucket and a key: botocore does the addressing and key encoding itself, as an SDK user sees.

stdin: JSON array of cases {operation ('get_object'|'put_object'|'head_object'|'delete_object'),
  bucket, key, region, accessKeyId, secretAccessKey, sessionToken?, expiresIn,
  date ('YYYY-MM-DDTHH:MM:SSZ'), addressing ('virtual'|'path'), endpoint?, params {...}}.
stdout: JSON array of URLs (or {"error": ...}), same order.
"""
import sys

try:
    import botocore
    import botocore.session
    from botocore.config import Config

    import botocore_batch
except ImportError as exc:
    sys.stderr.write(f"botocore unavailable: {exc}\n")
    sys.exit(3)

def presign(session, case):
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": case["addressing"], "us_east_1_regional_endpoint": "regional"},
        request_checksum_calculation="when_required",
    )
    client = session.create_client(
        "s3",
        region_name=case["region"],
        endpoint_url=case.get("endpoint"),
        aws_access_key_id=case["accessKeyId"],
        aws_secret_access_key=case["secretAccessKey"],
        aws_session_token=case.get("sessionToken"),
        config=config,
    )
    botocore_batch.set_now(case["date"])
    params = {"Bucket": case["bucket"], "Key": case["key"], **case.get("params", {})}
    return client.generate_presigned_url(case["operation"], Params=params, ExpiresIn=case["expiresIn"])


def main():
    session = botocore.session.get_session()
    botocore_batch.serve(lambda case: presign(session, case))


if __name__ == "__main__":
    main()
