"""What the botocore batch oracles share: a fixed clock, and the loop from a JSON array of cases on
stdin to a JSON array of results on stdout.

botocore reads the time through botocore.auth.get_current_datetime (x-amz-date) and, for POST
policies, botocore.signers.get_current_datetime (the expiration). Older botocore (before
get_current_datetime existed, about 1.34) called datetime.datetime.utcnow() inside botocore.auth.

    def presign(case):
        botocore_batch.set_now(case["date"])
        return ...  # what botocore signed at that date

    botocore_batch.serve(presign)
"""
import datetime
import json
import sys

import botocore
import botocore.auth
import botocore.signers

_now = [None]  # naive UTC datetime


def set_now(text):
    """Freeze the clock at 'YYYY-MM-DDTHH:MM:SS[.fff]Z' (fractions dropped, as SigV4 dates have none)."""
    _now[0] = datetime.datetime.strptime(text.rstrip("Z").split(".", 1)[0], "%Y-%m-%dT%H:%M:%S")
    return _now[0]


def _fixed(remove_tzinfo=True):
    return _now[0] if remove_tzinfo else _now[0].replace(tzinfo=datetime.timezone.utc)


def install():
    """Put the fixed clock where botocore reads the time."""
    if hasattr(botocore.auth, "get_current_datetime"):
        botocore.auth.get_current_datetime = _fixed
    else:
        real = datetime.datetime

        class FixedDatetime(real):
            @classmethod
            def utcnow(cls):
                return _now[0]

        class Shim:
            datetime = FixedDatetime

            def __getattr__(self, name):
                return getattr(datetime, name)

        botocore.auth.datetime = Shim()
    if hasattr(botocore.signers, "get_current_datetime"):
        botocore.signers.get_current_datetime = _fixed


def serve(handle):
    """`--version` prints botocore's; otherwise each case on stdin through `handle`, the results on
    stdout in the same order. Bytes in and out, so the locale's encoding does not matter."""
    if sys.argv[1:] == ["--version"]:
        print(botocore.__version__)
        return
    install()
    out = []
    for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
        try:
            out.append(handle(case))
        except Exception as exc:  # one bad case must not sink the batch
            out.append({"error": f"{type(exc).__name__}: {exc}"})
    sys.stdout.buffer.write(json.dumps(out).encode("utf-8"))
