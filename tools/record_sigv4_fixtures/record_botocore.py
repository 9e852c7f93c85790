"""Sign every case in cases.json with botocore and write out/botocore.json.

Non-S3 services use botocore.auth.SigV4Auth (what botocore picks for
signatureVersion "v4", e.g. sagemaker-runtime); service "s3" uses
botocore.auth.S3SigV4Auth (adds x-amz-content-sha256, no path normalisation).
The clock is pinned with a patch of botocore.auth.get_current_datetime.
"""
import datetime
import json
import pathlib
import sys
from unittest import mock

import botocore
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from casebody import body_bytes

HERE = pathlib.Path(__file__).parent


def sign(case):
    c = case["credentials"]
    creds = Credentials(c["accessKeyId"], c["secretAccessKey"], c.get("sessionToken"))
    signer_cls = S3SigV4Auth if case["service"] == "s3" else SigV4Auth
    signer = signer_cls(creds, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=case["url"], data=body_bytes(case["body"]))
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders keeps the name's case and the raw value

    captured = {}
    real_cr, real_sts = signer.canonical_request, signer.string_to_sign
    signer.canonical_request = lambda r: captured.setdefault("cr", real_cr(r))
    signer.string_to_sign = lambda r, cr: captured.setdefault("sts", real_sts(r, cr))

    now = datetime.datetime.fromtimestamp(case["timeMs"] / 1000, tz=datetime.timezone.utc)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now.replace(tzinfo=None)):
        signer.add_auth(request)

    auth = request.headers["Authorization"]
    result = {
        "authorization": auth,
        "x-amz-date": request.headers["X-Amz-Date"],
        "signedHeaders": auth.split("SignedHeaders=")[1].split(",")[0],
        "canonicalRequest": captured["cr"],
        "stringToSign": captured["sts"],
        "settings": f"botocore.auth.{signer_cls.__name__}",
    }
    for header in ("X-Amz-Security-Token", "X-Amz-Content-SHA256"):
        if header in request.headers:
            result[header.lower()] = request.headers[header]
    return result


def main():
    cases = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))["cases"]
    out = {
        "signer": f"botocore {botocore.__version__}",
        "results": {case["name"]: sign(case) for case in cases},
    }
    path = HERE / "out" / "botocore.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{out['signer']}: signed {len(cases)} cases -> out/botocore.json", file=sys.stderr)


if __name__ == "__main__":
    main()
