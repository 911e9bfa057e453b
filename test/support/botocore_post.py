#!/usr/bin/env python3
"""Presigned POST forms from botocore's own S3 client (generate_presigned_post), for the tests
and for scripts/generate-post-vectors.mjs.

botocore signs POST policies with SigV2 unless the client is configured with
signature_version='s3v4', which this script always sets. The clock is fixed to each case's date
(test/support/botocore_batch.py puts it where botocore reads the expiration and x-amz-date).

stdin: JSON array of cases {bucket, key, region, accessKeyId, secretAccessKey, sessionToken?,
  date ('YYYY-MM-DDTHH:MM:SSZ'), expiresIn, addressing ('virtual'|'path'), endpoint?,
  fields {...}, conditions [...]}.
stdout: JSON array of {url, fields} (or {"error": ...}), same order.
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
    return client.generate_presigned_post(
        case["bucket"],
        case["key"],
        Fields=case.get("fields") or None,
        Conditions=case.get("conditions") or None,
        ExpiresIn=case["expiresIn"],
    )


def main():
    session = botocore.session.get_session()
    botocore_batch.serve(lambda case: presign(session, case))


if __name__ == "__main__":
    main()
