#!/usr/bin/env python3
"""Presigned S3 URLs from botocore's own S3 client (generate_presigned_url), for the tests.

Unlike test/support/botocore_oracle.py, which signs a URL it is given, this starts from a
bucket and a key: botocore does the addressing and key encoding itself, as an SDK user sees.

stdin: JSON array of cases {operation ('get_object'|'put_object'|'head_object'|'delete_object'),
  bucket, key, region, accessKeyId, secretAccessKey, sessionToken?, expiresIn,
  date ('YYYY-MM-DDTHH:MM:SSZ'), addressing ('virtual'|'path'), endpoint?, params {...}}.
stdout: JSON array of URLs (or {"error": ...}), same order.
"""
import datetime
import json
import sys

try:
    import botocore.auth
    import botocore.session
    from botocore.config import Config
except ImportError as exc:
    sys.stderr.write(f"botocore unavailable: {exc}\n")
    sys.exit(3)

NOW = [None]


def fixed_now(remove_tzinfo=True):
    return NOW[0] if remove_tzinfo else NOW[0].replace(tzinfo=datetime.timezone.utc)


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
    NOW[0] = datetime.datetime.strptime(case["date"], "%Y-%m-%dT%H:%M:%SZ")
    params = {"Bucket": case["bucket"], "Key": case["key"], **case.get("params", {})}
    return client.generate_presigned_url(case["operation"], Params=params, ExpiresIn=case["expiresIn"])


def main():
    if sys.argv[1:] == ["--version"]:
        print(botocore.__version__)
        return
    botocore.auth.get_current_datetime = fixed_now
    session = botocore.session.get_session()
    out = []
    for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
        try:
            out.append(presign(session, case))
        except Exception as exc:  # one bad case must not sink the batch
            out.append({"error": f"{type(exc).__name__}: {exc}"})
    sys.stdout.buffer.write(json.dumps(out).encode("ascii"))


if __name__ == "__main__":
    main()
