#!/usr/bin/env python3
"""Writes the seeds of the byte-input fuzz targets into fuzz/seeds/<target>/.

The seeds are the request bodies of the README and the unit tests, the
container output formats of src/normalize/model_output.rs and the SageMaker
error answers of src/sagemaker_error.rs and docs/stand-in.md. The structured
targets (build_*_structured, gateway_config, sign_request) read their bytes
through `arbitrary`; their seeds come from a fuzz run instead (see
docs/fuzzing.md). Run from anywhere: python3 fuzz/make_seeds.py
"""

import base64
import json
import pathlib
import re
import struct

SEEDS = pathlib.Path(__file__).resolve().parent / "seeds"

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
JPEG = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) + b"JFIF\0\x01\x01"
DICOM = bytes(128) + b"DICM\x02\x00"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def write(target: str, name: str, data) -> None:
    if isinstance(data, str):
        data = data.encode()
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")
    (folder / safe).write_bytes(data)


def compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- requests -------------------------------------------------------------

TRIAGE = {
    "guide": {
        "symptoms": ["chest pain", "shortness of breath"],
        "patient_data": {
            "age": 45,
            "gender": "male",
            "medical_history": ["hypertension"],
            "current_medications": ["lisinopril"],
        },
    },
    "flat": {"symptoms": ["chest pain"], "age": 45, "gender": "male"},
    "readme-curl": {
        "symptoms": ["fever", "cough"],
        "patient_data": {"age": 35, "gender": "female"},
        "endpoint": "medical-triage-endpoint",
    },
    "variant": {
        "symptoms": ["発熱", "🤒"],
        "age": 0.5,
        "gender": "unknown",
        "endpoint": "medical-triage-xgboost",
        "variant": "AllTraffic",
    },
    "misspelt-field": {"symptoms": ["fever"], "age": 45, "gender": "male", "medical_histroy": []},
    "wrong-types": {"symptoms": "fever", "age": "45", "gender": "Male"},
    "conflicting": {"symptoms": ["x"], "age": 3, "patient_data": {"age": 3, "gender": "other"}},
    "bad-endpoint": {"symptoms": ["x"], "age": 3, "gender": "other", "endpoint": "../x", "variant": "a_b"},
    "marker": {
        "symptoms": ["PHIMARKER", "PHIMARKER\n", "PHIMARKER\u202e"],
        "age": 131,
        "gender": "PHIMARKER",
        "endpoint": "PHIMARKER",
        "medical_history": ["PHIMARKER" * 20],
    },
}
for name, body in TRIAGE.items():
    write("build_triage_bytes", name, json.dumps(body, ensure_ascii=False))

IMAGE = {
    "guide": {"image_data": "s3://bucket/image.jpg", "image_type": "xray", "analysis_type": "classification"},
    "data-url-png": {"image_data": "data:image/png;base64," + b64(PNG), "image_type": "skin_lesion"},
    "bare-jpeg": {"image_data": b64(JPEG).rstrip("="), "image_type": "ct", "variant": "model-v1"},
    "dicom": {"image_data": "data:application/dicom;base64," + b64(DICOM), "image_type": "mri"},
    "wrapped": {"image_data": b64(PNG)[:8] + "\n" + b64(PNG)[8:], "image_type": "ultrasound"},
    "mismatch": {"image_data": "data:image/jpeg;base64," + b64(PNG), "image_type": "xray"},
    "gif": {"image_data": "data:image/gif;base64," + b64(PNG), "image_type": "xray"},
    "not-base64-url": {"image_data": "data:image/png," + b64(PNG), "image_type": "xray"},
    "metadata-url": {"image_data": "http://169.254.169.254/latest/meta-data", "image_type": "xray"},
    "file-url": {"image_data": "file:///etc/passwd", "image_type": "xray"},
    "bad-bucket": {"image_data": "s3://Bucket/key", "image_type": "brain", "analysis_type": "segmentation"},
    "marker": {"image_data": "s3://PHIMARKER/k", "image_type": "PHIMARKER", "analysis_type": "PHIMARKER"},
}
for name, body in IMAGE.items():
    write("build_image_bytes", name, json.dumps(body))

RISK_PATIENT = {
    "age": 67,
    "gender": "male",
    "heart_rate_bpm": 112,
    "systolic_bp_mmhg": 165,
    "diastolic_bp_mmhg": 95,
    "respiratory_rate_per_min": 24,
    "temperature_c": 38.4,
    "spo2_percent": 91,
    "bmi": 31.2,
    "smoking_status": "current",
    "chronic_conditions": ["diabetes", "copd"],
}
REQUIRED = {k: v for k, v in RISK_PATIENT.items() if k not in ("bmi", "smoking_status", "chronic_conditions")}
RISK = {
    "guide": {"patient_data": RISK_PATIENT},
    "required-only": {"patient_data": {**REQUIRED, "gender": "other"}},
    "inconsistent-bp": {"patient_data": {**REQUIRED, "diastolic_bp_mmhg": 165}, "endpoint": "patient-risk-scorer"},
    "duplicate-condition": {"patient_data": {**REQUIRED, "chronic_conditions": ["asthma", "asthma"]}},
    "out-of-range": {"patient_data": {**REQUIRED, "spo2_percent": 101, "bmi": 9, "smoking_status": "sometimes"}},
    "marker": {"patient_data": {**REQUIRED, "gender": "PHIMARKER", "chronic_conditions": ["PHIMARKER"]}},
}
for name, body in RISK.items():
    write("build_risk_bytes", name, json.dumps(body))

JSON_BODIES = {
    "empty": b"",
    "blank": b"  \n",
    "unclosed": b"{",
    "duplicate-key": b'{"a":1,"a":2}',
    "nan": b'{"a":NaN}',
    "huge-number": b'{"a":1e400}',
    "lone-surrogate": b'{"a":"\\ud800"}',
    "not-utf8": b"\xff\xfe",
    "deep": b"[" * 40 + b"]" * 40,
    "ordinary": b' {"a": [1, 2.5, "x", null, true]} ',
    "duplicate-marker": b'{"name": "PHIMARKER", "name": 1}',
}
for target in ("build_triage_bytes", "build_image_bytes", "build_risk_bytes", "json_body"):
    for name, body in JSON_BODIES.items():
        if target == "json_body" or name in ("duplicate-key", "deep", "empty"):
            write(target, "json-" + name, body)
for name, body in {**TRIAGE, **IMAGE, **RISK}.items():
    if name in ("guide", "flat", "dicom"):
        write("json_body", "request-" + name, json.dumps(body))

# --- upstream answers (layout: Upstream::decode in fuzz/src/lib.rs) -------

CT = {None: 0, "application/json": 1, "text/csv": 2, "text/csv; charset=utf-8": 3}


def upstream(body, status=None, content_type="application/json", config=0, variant=None, error_type=None) -> bytes:
    flags = config | (CT[content_type] << 2)
    tail = b""
    if variant is not None:
        flags |= 0x20
        tail += bytes([len(variant)]) + variant.encode()
    if error_type is not None:
        flags |= 0x40
        tail += bytes([len(error_type)]) + error_type.encode()
    if status is not None:
        flags |= 0x80
    if isinstance(body, str):
        body = body.encode()
    return bytes([flags]) + struct.pack(">H", status or 200) + tail + body


TRIAGE_OUT = {
    "rich": compact(
        {
            "urgency_score": 0.35,
            "risk_level": "moderate",
            "recommended_specialty": "General Practice",
            "confidence": 0.8,
            "key_findings": ["Fever reported", "Cough reported"],
            "model_version": "standin-triage-1.0.0",
            "inference_time_ms": 11,
        }
    ),
    "csv-softprob": ("0.1,0.7,0.1,0.1\n0.6,0.2,0.1,0.1\n", "text/csv"),
    "csv-class-index": ("2\n", "text/csv; charset=utf-8"),
    "csv-probability": ("0.8734\n", "text/csv", 1),
    "xgboost-json": '{"predictions":[{"score":[0.1,0.2,0.3,0.4]}]}',
    "selectable": '{"predictions":[{"predicted_label":1,"probabilities":[0.4,0.6]}]}',
    "tf-serving": '{"predictions":[[0.05,0.15,0.7,0.1]]}',
    "outputs": '{"outputs":[[0.5,0.5]]}',
    "bare-array": ("[[0.25,0.25,0.25,0.25]]", None),
    "logits": ("[[-1.2, 3.4, 0.1]]", None),
    "rich-marker": '{"urgency_score":2,"risk_level":"PHIMARKER","key_findings":["PHIMARKER\\n"]}',
}
IMAGE_OUT = {
    "image-classification": '{"prediction":[0.01,0.02,0.93,0.02,0.02]}',
    "two-labels": ('{"prediction":[0.158,0.842]}', "application/json", 1),
    "tf-serving": '{"predictions":[{"classes":1,"probabilities":[0.02,0.95,0.01,0.01,0.01]}]}',
    "rich": compact(
        {
            "predictions": [
                {"condition": "pneumonia", "confidence": 0.87, "severity": "Moderate"},
                {"condition": "normal", "confidence": 0.1},
            ],
            "model_version": "v2",
        }
    ),
    "rich-marker": '{"predictions":[{"condition":"PHIMARKER","confidence":1.5,"severity":"PHIMARKER"}]}',
}
RISK_OUT = {
    "csv": ("0.4386190772056579\n", "text/csv"),
    "xgboost-json": '{"predictions":[{"score":0.87},{"score":0.1}]}',
    "lightgbm": '{"prediction":[0.137,0.863]}',
    "probabilities": '{"probabilities":[[0.3,0.7]],"probabilities-1d":[[0.7]]}',
    "rich": '{"risk_score":0.7,"risk_level":"High","factors":["age over 65"],"model_version":"risk-1"}',
    "rich-marker": '{"risk_score":"PHIMARKER","factors":["PHIMARKER\\u0000"]}',
}
MALFORMED = {
    "empty": ("", None),
    "blank-lines": ("\n\n", None),
    "malformed-fault": '{"predictions": [',
    "nan": '{"a": NaN}',
    "csv-nan": ("nan\n", "text/csv"),
    "csv-text": ("0.5,abc\n", None),
    "not-utf8": (b"\xff\xfe", None),
    "empty-predictions": '{"predictions": []}',
    "string": '"text"',
    "label-only": '{"predictions":[{"label":1}]}',
}
ERRORS = [
    # (name, status, x-amzn-ErrorType, body)
    ("validation-header", 400, "ValidationError", '{"message":"Endpoint PHIMARKER of account 123456789012 not found."}'),
    ("throttling", 400, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/", '{"message":null}'),
    ("model-not-ready", 429, "ModelNotReadyException", '{"message":"Model is not ready"}'),
    ("internal-failure", 500, "InternalFailure", '{"message":"x"}'),
    ("service-unavailable", 503, "ServiceUnavailable", "{}"),
    ("internal-dependency", 530, "InternalDependencyException", "{}"),
    ("invalid-signature", 403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/", '{"message":"Signature expired"}'),
    ("unrecognized-client", 403, "UnrecognizedClientException", '{"message":"The security token included in the request is invalid."}'),
    ("missing-token", 403, "MissingAuthenticationTokenException", '{"message":"Missing Authentication Token"}'),
    ("validation-body-form", 400, None, '{"__type":"com.amazon.coral.validate#ValidationException","message":"PHIMARKER"}'),
    ("code-form", 400, None, '{"code":"ThrottlingException","message":"x"}'),
    ("capital-code-form", 400, None, '{"Code":"Weird#Thing:http://x","message":"x"}'),
    ("unknown-operation", 404, "UnknownOperationException", "{}"),
    ("html-502", 502, None, "<html>"),
    ("empty-504", 504, None, ""),
    ("teapot", 418, None, "{}"),
    ("too-large", 413, None, ""),
    ("script", 400, "<script>", ""),
]
for status in (400, 415, 500, 0):
    orig = "patient PHIMARKER"
    body = compact(
        {
            "ErrorCode": "CLIENT_ERROR_FROM_MODEL",
            "LogStreamArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x",
            "Message": f'Received client error ({status}) from primary with message "{orig}".',
            "OriginalMessage": orig,
            "OriginalStatusCode": status,
        }
    )
    ERRORS.append((f"model-error-{status}", 424, "ModelError", body))


def expand(value):
    """(body, content type, config) from a table entry."""
    if not isinstance(value, tuple):
        return (value, "application/json", 0)
    body, content_type, *config = value
    return (body, content_type, config[0] if config else 0)


for target, table in (("normalize_triage", TRIAGE_OUT), ("normalize_image", IMAGE_OUT), ("normalize_risk", RISK_OUT)):
    for name, value in {**table, **MALFORMED}.items():
        body, content_type, config = expand(value)
        write(target, name, upstream(body, content_type=content_type, config=config))
    write(target, "variant-header", upstream(expand(list(table.values())[0])[0], variant="AllTraffic"))
    for name, status, error_type, body in ERRORS[:6]:
        write(target, "error-" + name, upstream(body, status=status, error_type=error_type))
for name, status, error_type, body in ERRORS:
    write("sagemaker_error", name, upstream(body, status=status, error_type=error_type))

# --- URLs, names, S3 URIs, inline images ------------------------------------

OVERRIDES = [
    "http://127.0.0.1:54329",
    "http://localhost:8080/",
    "http://[::1]:9000",
    "https://vpce-1.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
    "https://proxy.example.com/sagemaker/",
    "http://example.com",
    "http://10.0.0.1:80",
    "http://169.254.169.254/latest",
    "http://127.0.0.1.evil.com",
    "ftp://127.0.0.1",
    "file:///etc/passwd",
    "127.0.0.1:80",
    "https://user:pw@host",
    "https://host/?q=1",
    "https://host#x",
    "https://ho st",
    "https://host:99999",
    "https://host:",
    "https://host/a/../b",
    "https://",
    "http://[::1",
    "https://PHIMARKER.example.com/%7Bx%7D",
    # Found by fuzzing (fixed in src/endpoint_url.rs): accepted, then unsignable.
    "https://ho//at..s/`",
    "https://[" + ":" * 90 + "1]",
    "https://[fe80::1]:8443/a%2Fb",
]
for i, url in enumerate(OVERRIDES):
    write("override_url", f"{i:02d}-{url}", url)

S3 = [
    "s3://bucket/patient-xray.jpg",
    "s3://healthnav-images/scans/2024/ct 01.dcm",
    "http://169.254.169.254/latest/meta-data",
    "file:///etc/passwd",
    "S3://bucket/key",
    "s3://bucket",
    "s3://bucket/",
    "s3://Bucket/key",
    "s3://b/key",
    "s3://192.168.1.1/key",
    "s3://a..b/key",
    "s3://-ab/key",
    "s3://bucket/ke\ny",
    "s3://PHIMARKER/x",
    "other-bucket-x/+",
]
for i, uri in enumerate(S3):
    write("s3_uri", f"{i:02d}-{uri}", uri)

NAMES = [
    "medical-triage-endpoint\nmedical-*\npatient-risk-scorer",
    "a\n*",
    "A1--b2\nA1-*",
    "a" * 63 + "\n" + "a" * 64,
    "\nbad pattern",
    "-a\na*b*",
    "a-\n-*",
    "a_b",
    "../x",
    "é\nmedical-*",
    "a%2Fb",
    "PHIMARKER\nPHIMARKER",
]
for i, text in enumerate(NAMES):
    write("names", f"{i:02d}", text)

INLINE = {
    "data-png": b"\x00" + ("data:image/png;base64," + b64(PNG)).encode(),
    "bare-png": b"\x00" + b64(PNG).encode(),
    "unpadded-png": b"\x00" + b64(PNG).rstrip("=").encode(),
    "wrapped-png": b"\x00" + (b64(PNG)[:8] + "\n" + b64(PNG)[8:]).encode(),
    "data-dicom": b"\x00" + ("data:application/dicom;base64," + b64(DICOM)).encode(),
    "mismatch": b"\x00" + ("data:image/jpeg;base64," + b64(PNG)).encode(),
    "gif": b"\x00" + ("data:image/gif;base64," + b64(PNG)).encode(),
    "no-base64": b"\x00" + ("data:image/png," + b64(PNG)).encode(),
    "svg": b"\x00" + b64(b"<svg onload=alert(1)>").encode(),
    "not-base64": b"\x00not base64 at all!",
    "marker": b"\x00data:image/PHIMARKER;base64,PHIMARKER",
    "raw-png": b"\x01" + PNG,
    "raw-jpeg-unpadded-wrapped-data": b"\x0f" + JPEG,
    "raw-dicom-data": b"\x09" + DICOM,
    "raw-text": b"\x0bhello",
}
for name, data in INLINE.items():
    write("inline_image", name, data)

SETTINGS = {
    "minimal": {"region": "us-east-1"},
    "full": {
        "region": "eu-west-1",
        "endpointUrl": "http://127.0.0.1:54329/prefix/",
        "useFips": False,
        "allowedEndpoints": ["medical-*", "patient-risk-scorer"],
        "allowedBuckets": ["healthnav-images"],
        "endpoints": {"triage": "medical-triage-xgboost", "imageAnalysis": None, "riskScore": "patient-risk-scorer"},
        "imageLabels": ["benign", "malignant"],
        "triageScoreMeaning": "probability",
    },
    "fips": {"region": "us-gov-west-1", "useFips": True, "allowedEndpoints": ["*"]},
    "nulls": {"region": "cn-north-1", "endpointUrl": None, "useFips": None, "imageLabels": None},
    "unknown-keys": {"region": "us-east-1", "useFIPS": True, "allowedBucket": ["x"]},
    "wrong-types": {"region": 1, "useFips": "yes", "endpoints": {"triage": 3, "other": "x"}, "triageScoreMeaning": "score"},
    "bad-values": {
        "region": "moon",
        "endpointUrl": "http://example.com",
        "allowedEndpoints": ["bad pattern"],
        "allowedBuckets": ["Bad"],
        "imageLabels": ["a", "a"],
    },
    "fips-and-override": {"region": "us-east-1", "useFips": True, "endpointUrl": "https://x.example.com"},
    "not-an-object": ["us-east-1"],
}
for name, settings in SETTINGS.items():
    write("gateway_settings_json", name, json.dumps(settings, ensure_ascii=False))

print(f"seeds written under {SEEDS}")
