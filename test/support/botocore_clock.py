"""A fixed clock for the botocore oracles: every script that asks botocore to sign at a case's date.

botocore reads the time through botocore.auth.get_current_datetime (x-amz-date) and, for POST
policies, botocore.signers.get_current_datetime (the expiration). Older botocore (before
get_current_datetime existed, about 1.34) called datetime.datetime.utcnow() inside botocore.auth.

    import botocore_clock
    botocore_clock.install()
    botocore_clock.set_now("2013-05-24T00:00:00Z")  # then sign
"""
import datetime

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
