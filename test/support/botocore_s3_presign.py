#!/usr/bin/env python3
"""Presigned S3 URLs from botocore's own S3 client (generate_presigned_url), for the tests.

Unlike test/support/botocore_oracle.py, which signs a URL it is given, this starts from a
bucket and a key: botocore does the addressing and key encoding itself, as an SDK user sees.

stdin: JSON array of cases {operation ('get_object'|'put_object'|'head_object'|'delete_object'),
  bucket, key, region, accessKeyId, secretAccessKey, sessionToken?, expiresIn,
  date ('YYYY-MM-DDTHH:MM:SSZ'), addressing ('virtual'|'path'), endpoint?, params {...}}.
stdout: JSON array of URLs (or {"error": ...}), same order.
"""
import json
import sys

try:
    import botocore
    import botocore.session
    from botocore.config import Config

    import botocore_clock
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
    botocore_clock.set_now(case["date"])
    params = {"Bucket": case["bucket"], "Key": case["key"], **case.get("params", {})}
    return client.generate_presigned_url(case["operation"], Params=params, ExpiresIn=case["expiresIn"])


def main():
    if sys.argv[1:] == ["--version"]:
        print(botocore.__version__)
        return
    botocore_clock.install()
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
