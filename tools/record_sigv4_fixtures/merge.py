"""Merge out/botocore.json and out/smithy.json into tests/fixtures/sigv4/recorded.json.

A case is written only when both signers produce the same Authorization and the same
values for every other recorded field; any other case goes to "dropped" with both results.
Standard library only.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).parent
TARGET = HERE.parent.parent / "tests" / "fixtures" / "sigv4" / "recorded.json"
EXPECTED_FIELDS = [
    "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    "signedHeaders", "canonicalRequest", "stringToSign",
]


def load(name):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def main():
    cases = load("cases.json")["cases"]
    runs = [load("out/botocore.json"), load("out/smithy.json")]
    signers = [run["signer"] for run in runs]
    kept, dropped = [], []
    for case in cases:
        results = [run["results"][case["name"]] for run in runs]
        expected = [{k: r[k] for k in EXPECTED_FIELDS if k in r} for r in results]
        settings = {signer: r["settings"] for signer, r in zip(signers, results)}
        if expected[0] == expected[1]:
            kept.append({**case, "expected": expected[0], "recordedWith": signers, "signerSettings": settings})
        else:
            dropped.append({"name": case["name"], "results": dict(zip(signers, results))})
            print(f"DISAGREE {case['name']}", file=sys.stderr)
    out = {
        "about": "SigV4 fixtures recorded from two independent signers; see README.md in this folder.",
        "recordedWith": signers,
        "cases": kept,
        "dropped": dropped,
    }
    TARGET.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(kept)} cases agreed, {len(dropped)} dropped -> {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
