#!/usr/bin/env python3
"""Batch SigV4 query-string (presign) oracle driven by botocore.

Reads ONE JSON array of cases on stdin, writes ONE JSON array of results (same
order) on stdout. Nothing here computes SigV4: every value comes from
botocore.auth.S3SigV4QueryAuth / SigV4QueryAuth; the script only feeds them a
fixed clock and a request and records what they produce.

Case fields:
  method, url (full URL, already in wire form), headers [[name, value], ...],
  region, service, accessKeyId, secretAccessKey, sessionToken (optional),
  omitSessionToken (bool), date ('YYYY-MM-DDTHH:MM:SS[.fff]Z'), expiresIn (int),
  payloadHash, doubleEncode (bool), normalizePath (bool)

Signer choice (botocore ties path handling to the class, not to options):
  doubleEncode=false, normalizePath=false -> S3SigV4QueryAuth (path used as is)
  doubleEncode=true,  normalizePath=true  -> SigV4QueryAuth
        (path = quote(remove_dot_segments(path), safe='/~'))
  anything else -> error result: botocore has no such mode.

payloadHash: botocore's own value is 'UNSIGNED-PAYLOAD' for S3SigV4QueryAuth and
sha256('') for SigV4QueryAuth (no body). If the case asks for something else,
the signer's payload() method is overridden to return it (payloadOverridden).

omitSessionToken: botocore cannot leave the token out of the signature. The
adapter signs with token-less credentials and then appends
'&X-Amz-Security-Token=<percent_encode(token)>' to botocore's URL itself
(tokenAppendedByAdapter).

Result: {ok: true, signature, url, canonicalRequest, stringToSign, signerClass,
payloadOverridden, tokenAppendedByAdapter}, {ok: false, error} for a mode botocore lacks, or
{error} when botocore raised.
"""

import sys

try:
    import botocore
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode

    import botocore_batch
except ImportError as exc:  # pragma: no cover - reported to the caller
    sys.stderr.write(f"botocore unavailable: {exc}\n")
    sys.exit(3)

EMPTY_SHA256 = botocore.auth.EMPTY_SHA256_HASH
UNSIGNED = botocore.auth.UNSIGNED_PAYLOAD


def _signer_class(double_encode, normalize):
    if not double_encode and not normalize:
        return botocore.auth.S3SigV4QueryAuth, UNSIGNED
    if double_encode and normalize:
        return botocore.auth.SigV4QueryAuth, EMPTY_SHA256
    return None, None


def sign_one(case):
    base, natural_payload = _signer_class(case["doubleEncode"], case["normalizePath"])
    if base is None:
        return {
            "ok": False,
            "error": "botocore has no signer with doubleEncode=%s normalizePath=%s"
            % (case["doubleEncode"], case["normalizePath"]),
        }
    payload_hash = case["payloadHash"]
    override = payload_hash != natural_payload
    captured = {}

    class Recorder(base):
        def canonical_request(self, request):
            cr = super().canonical_request(request)
            captured["canonicalRequest"] = cr
            return cr

        def string_to_sign(self, request, canonical_request):
            sts = super().string_to_sign(request, canonical_request)
            captured["stringToSign"] = sts
            return sts

        def signature(self, string_to_sign, request):
            sig = super().signature(string_to_sign, request)
            captured["signature"] = sig
            return sig

        if override:

            def payload(self, request):
                return payload_hash

    token = case.get("sessionToken")
    omit = bool(case.get("omitSessionToken")) and token is not None
    creds = Credentials(case["accessKeyId"], case["secretAccessKey"], None if omit else token)
    signer = Recorder(creds, case["service"], case["region"], expires=case["expiresIn"])

    request = AWSRequest(method=case["method"], url=case["url"])
    for name, value in case.get("headers", []):
        # HTTPHeaders is an email.message.Message: item assignment APPENDS,
        # so duplicate names are kept (botocore joins them with ',').
        request.headers[name] = value

    now = botocore_batch.set_now(case["date"])
    signer.add_auth(request)
    url = request.url
    if omit:
        url += "&X-Amz-Security-Token=" + percent_encode(token)
    expected_date = now.strftime("%Y%m%dT%H%M%SZ")
    if "X-Amz-Date=" + expected_date not in url:
        raise RuntimeError("fixed clock was not used by botocore: " + url)
    return {
        "ok": True,
        "signature": captured["signature"],
        "url": url,
        "canonicalRequest": captured["canonicalRequest"],
        "stringToSign": captured["stringToSign"],
        "signerClass": base.__name__,
        "payloadOverridden": override,
        "tokenAppendedByAdapter": omit,
    }


def main():
    botocore_batch.serve(sign_one)


if __name__ == "__main__":
    main()
