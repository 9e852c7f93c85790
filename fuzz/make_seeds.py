#!/usr/bin/env python3
"""Writes the seeds of the byte-input fuzz targets into fuzz/seeds/<target>/.

The seeds are the request bodies of the README and the unit tests, the
container output formats of src/response/model_output.rs and the SageMaker
error answers of src/response/sagemaker_error.rs and docs/stand-in.md (the
triage answers also with red flags), batch requests and answers, asynchronous
requests, answers and result ids (src/async_result/result_id.rs), patients
for the red-flag matcher and rule files for its loader (src/safety/). The
structured targets (build_*_structured, gateway_config, sign_request,
async_result_id, s3_endpoint, sticky_variant) read their bytes through
`arbitrary`; their seeds come from a fuzz run instead (see docs/fuzzing.md).
Run from anywhere: python3 fuzz/make_seeds.py
"""

import base64
import json
import pathlib
import re
import struct

SEEDS = pathlib.Path(__file__).resolve().parent / "seeds"
REPO = pathlib.Path(__file__).resolve().parent.parent

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

# --- upstream answers (layout: Upstream::decode in fuzz/src/upstream.rs) ----

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


# The embedded red-flag rules (src/safety/red_flags.json), in rule order.
EMBEDDED_RULES = json.loads((REPO / "src/safety/red_flags.json").read_text())
RULE_IDS = [rule["id"] for rule in EMBEDDED_RULES["rules"]]


def rule_mask(*ids) -> int:
    """The mask of pick_red_flags (fuzz/src/red_flags.rs): bit i picks rule i."""
    return sum(1 << RULE_IDS.index(rule_id) for rule_id in ids)


def flagged(mask: int = 0, mode: int = 0) -> bytes:
    """normalize_triage's prefix: the mode (0 floor on, 2 plus an unknown id,
    3 floor off), then the mask of the embedded rules' ids, little-endian."""
    return bytes([mode]) + mask.to_bytes(2, "little")


for target, table in (("normalize_triage", TRIAGE_OUT), ("normalize_image", IMAGE_OUT), ("normalize_risk", RISK_OUT)):
    prefix = flagged() if target == "normalize_triage" else b""
    for name, value in {**table, **MALFORMED}.items():
        body, content_type, config = expand(value)
        write(target, name, prefix + upstream(body, content_type=content_type, config=config))
    write(target, "variant-header", prefix + upstream(expand(list(table.values())[0])[0], variant="AllTraffic"))
    for name, status, error_type, body in ERRORS[:6]:
        write(target, "error-" + name, prefix + upstream(body, status=status, error_type=error_type))

# Triage answers with the red flags their request raised (and refused ones).
FLAGGED_TRIAGE = {
    # moderate, raised to critical
    "flags-chest-pain": (flagged(rule_mask("heart_attack_chest_discomfort")), TRIAGE_OUT["rich"]),
    # moderate, raised to high by two high flags
    "flags-infant-sepsis": (flagged(rule_mask("infant_fever", "sepsis_signs")), TRIAGE_OUT["rich"]),
    # a probability (config 1): the floor against the model's own level
    "flags-stroke-probability": (flagged(rule_mask("stroke_fast", "stroke_sudden_signs")), TRIAGE_OUT["csv-probability"]),
    # a critical model level stays the model's
    "flags-critical-model": (
        flagged(rule_mask("infant_fever")),
        '{"urgency_score":0.97,"risk_level":"critical","key_findings":["Fever reported"]}',
    ),
    "flags-every-rule": (flagged(0xFFFF), ("0.1,0.7,0.1,0.1\n", "text/csv")),
    "flags-unknown-id": (flagged(rule_mask("suicidal_intent"), mode=2), TRIAGE_OUT["rich"]),
    "flags-unknown-id-bad-output": (flagged(0, mode=2), MALFORMED["malformed-fault"]),
    "floor-off": (flagged(0, mode=3), TRIAGE_OUT["rich"]),
    "floor-off-flags": (flagged(rule_mask("severe_bleeding"), mode=3), TRIAGE_OUT["rich"]),
}
for name, (prefix, value) in FLAGGED_TRIAGE.items():
    body, content_type, config = expand(value)
    write("normalize_triage", name, prefix + upstream(body, content_type=content_type, config=config))
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
    # Found by fuzzing (fixed in src/config/endpoint_url.rs): accepted, then unsignable.
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


# --- batches, asynchronous inference (see the targets' doc comments) ---------

BATCH_TRIAGE = {
    "patients": [
        TRIAGE["guide"],
        {"symptoms": ["fever"], "age": 131, "gender": "male"},
        {"symptoms": ["PHIMARKER\n"], "age": 45, "gender": "PHIMARKER"},
        {k: v for k, v in TRIAGE["flat"].items()},
    ],
    "endpoint": "medical-triage-endpoint",
}
BATCH_RISK = {"patients": [{"patient_data": RISK_PATIENT}, RISK["out-of-range"]["patient_data"], REQUIRED], "variant": "AllTraffic"}
BATCHES = {
    "triage": BATCH_TRIAGE,
    "risk": BATCH_RISK,
    "risk-nested-and-flat": {"patients": [RISK["required-only"], REQUIRED]},
    "one": {"patients": [TRIAGE["flat"]]},
    "empty": {"patients": []},
    "not-a-list": {"patients": "PHIMARKER"},
    "all-invalid": {"patients": [1, None, {"PHIMARKER": 1}]},
    "unknown-envelope": {"patients": [TRIAGE["flat"]], "extra": 1, "variant": "a_b"},
    "nested-batch": {"patients": [{"patients": [TRIAGE["flat"]]}, TRIAGE["flat"]]},
    "too-many": {"patients": [REQUIRED] * 101},
    "hundred": {"patients": [TRIAGE["flat"]] * 100},
}
for name, body in BATCHES.items():
    write("batch_request", name, json.dumps(body, ensure_ascii=False))
write("batch_request", "single", json.dumps(TRIAGE["guide"]))

# normalize_batch: head byte (bit 7 risk, bits 0-6 slots - 1), sent mask, the
# red-flag entries (a count byte, then per entry: the sent slot, the rule mask
# as for normalize_triage), Upstream.
def batch_answer(risk: bool, slots: int, mask: int, answer: bytes, flags=()) -> bytes:
    head = (0x80 if risk else 0) | (slots - 1)
    entries = bytes([len(flags)]) + b"".join(bytes([slot]) + rules.to_bytes(2, "little") for slot, rules in flags)
    return bytes([head]) + mask.to_bytes((slots + 7) // 8, "little") + entries + answer

NB = {
    "triage-jsonlines": batch_answer(False, 3, 0b101, upstream('{"urgency_score":0.3,"risk_level":"low"}\n{"urgency_score":0.9,"risk_level":"critical"}\n', content_type=None)),
    "triage-csv-rows": batch_answer(False, 2, 0b11, upstream("0.1,0.7,0.1,0.1\n0.6,0.2,0.1,0.1\n", content_type="text/csv")),
    "triage-predictions": batch_answer(False, 2, 0b11, upstream('{"predictions":[{"score":[0.1,0.2,0.3,0.4]},{"score":[0.4,0.3,0.2,0.1]}]}')),
    "triage-red-flags": batch_answer(
        False,
        3,
        0b111,
        upstream('{"urgency_score":0.3,"risk_level":"low"}\n{"urgency_score":0.5,"risk_level":"moderate"}\n{"urgency_score":0.9,"risk_level":"critical"}\n', content_type=None),
        flags=[(0, rule_mask("heart_attack_chest_discomfort")), (1, rule_mask("infant_fever")), (1, rule_mask("sepsis_signs")), (2, rule_mask("infant_fever"))],
    ),
    "risk-csv": batch_answer(True, 4, 0b1011, upstream("0.43\n0.1\n0.99\n", content_type="text/csv")),
    "risk-json": batch_answer(True, 2, 0b11, upstream('{"predictions":[{"score":0.87},{"score":0.1}]}')),
    "risk-count-mismatch": batch_answer(True, 3, 0b111, upstream("0.43\n0.1\n", content_type="text/csv")),
    "risk-bad-row": batch_answer(True, 2, 0b11, upstream("0.43\nPHIMARKER\n", content_type="text/csv")),
    "risk-rich": batch_answer(True, 2, 0b10, upstream('[{"risk_score":0.7,"risk_level":"High","factors":["age"]}]')),
    "error": batch_answer(False, 2, 0b11, upstream(ERRORS[0][3], status=400, error_type="ValidationError")),
    "model-error": batch_answer(True, 1, 1, upstream('{"OriginalStatusCode":415,"OriginalMessage":"PHIMARKER"}', status=424, error_type="ModelError")),
}
for name, data in NB.items():
    write("normalize_batch", name, data)

ASYNC_IMAGE = {
    "s3": {"image_data": "s3://healthnav-images/scans/ct-01.dcm", "image_type": "ct", "async": True},
    "s3-png-endpoint": {"image_data": "s3://my.bucket-1/a b.png", "image_type": "xray", "analysis_type": "segmentation", "async": True, "endpoint": "medical-image-classifier"},
    "inline": {"image_data": "data:image/png;base64," + b64(PNG), "image_type": "xray", "async": True},
    "variant": {"image_data": "s3://healthnav-images/x.jpg", "image_type": "mri", "async": True, "variant": "AllTraffic"},
    "not-ascii": {"image_data": "s3://healthnav-images/ü.jpg", "image_type": "mri", "async": True},
    "false": {"image_data": "s3://healthnav-images/x.jpg", "image_type": "mri", "async": False},
    "string": {"image_data": "s3://healthnav-images/x.jpg", "image_type": "mri", "async": "PHIMARKER"},
    "marker": {"image_data": "s3://PHIMARKER/x", "image_type": "xray", "async": True},
}
for name, body in ASYNC_IMAGE.items():
    write("async_invocation", "request-" + name, b"\x00" + json.dumps(body, ensure_ascii=False).encode())


def async_answer(config: int, status: int, output, failure, body) -> bytes:
    out = bytes([1 | (config << 1)]) + struct.pack(">H", status)
    for value in (output, failure):
        if value is None:
            out += b"\xff"
        else:
            value = value.encode()
            out += bytes([len(value)]) + value
    return out + (body.encode() if isinstance(body, str) else body)


ACCEPT = {
    "202": (0, 202, "s3://hn-async/out/9f1c.out", "s3://hn-async/failures/9f1c-error.out", '{"InferenceId":"9f1c2d3e","OutputLocation":"s3://hn-async/out/9f1c.out"}'),
    "202-no-failure": (1, 202, " s3://my.bucket-1/out/x.out ", None, "{}"),
    "202-async-off": (3, 202, "s3://hn-async/out/9f1c.out", None, "{}"),
    "202-no-output": (2, 202, None, None, '{"InferenceId":"' + "x" * 65 + '"}'),
    "202-bad-output": (0, 202, "https://hn-async.s3.amazonaws.com/out", None, "{}"),
    "202-bad-failure": (0, 202, "s3://hn-async/out/1.out", "s3://PHIMARKER/x", "{}"),
    "400": (0, 400, None, None, '{"__type":"ValidationError","message":"PHIMARKER"}'),
}
for name, args in ACCEPT.items():
    write("async_invocation", "answer-" + name, async_answer(*args))

# async_result: ids issued as src/async_result/result_id.rs does, with the
# key src/config/async_id_key.rs derives from fuzz/src/async_inference.rs's
# ASYNC_SECRET, for fuzz/src/configs.rs's FUZZ_CALLER, at TEST_TIME_MS (the
# target opens them an hour later, at ASYNC_NOW_MS).
import hashlib, hmac
ASYNC_SECRET = b"fuzz-async-result-secret-0123456789"
ASYNC_KEY = hmac.new(ASYNC_SECRET, b"healthnav-edge async result id v1", hashlib.sha256).digest()
FUZZ_CALLER = "fuzz-caller"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def async_id(output, failure=None, t=1_700_000_000_000, caller=FUZZ_CALLER, version="v2") -> str:
    """`v2.<payload>.<tag>`: tag = HMAC-SHA256(key, `v2.<payload>` + "\\n" + caller)."""
    payload = {"o": output}
    if failure is not None:
        payload["f"] = failure
    payload["t"] = t
    signed = version + "." + b64u(compact(payload).encode())
    message = signed.encode() + (b"\n" + caller.encode() if version == "v2" else b"")
    return signed + "." + b64u(hmac.new(ASYNC_KEY, message, hashlib.sha256).digest())


SLUG = "sagemaker-image-analysis"
PATHS = {
    "path": f"/{SLUG}/" + async_id("s3://hn-async/out/9f1c.out", "s3://hn-async/failures/9f1c-error.out"),
    "query": f"/{SLUG}?x=1&id=" + async_id("s3://my.bucket-1/a b+c/ü.out"),
    "functions": f"/functions/v1/{SLUG}/" + async_id("s3://hn-async/%2F/x?y#z", t=1_700_003_600_000),
    "expired": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out", t=1_600_000_000_000),
    "future": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out", t=1_800_000_000_000),
    "tampered": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out")[:-2] + "AA",
    "other-caller": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out", caller="someone-else"),
    "no-caller": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out", caller=""),
    "v1-no-caller": f"/{SLUG}/" + async_id("s3://hn-async/out/1.out", version="v1"),
    "no-id": f"/{SLUG}",
    "empty-query": f"/{SLUG}?id=",
    "garbage": f"/{SLUG}/v2.PHIMARKER.PHIMARKER",
}
for name, path in PATHS.items():
    write("async_result", "open-" + name, b"\x00" + path.encode())
S3_ANSWERS = {
    "output": upstream('{"prediction":[0.158,0.842]}', config=1),
    "output-rich": upstream(IMAGE_OUT["rich"]),
    "no-such-key": upstream('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>PHIMARKER</Key></Error>', status=404, content_type="application/json"),
    "404-empty": upstream("", status=404, content_type=None),
    "access-denied": upstream("<Error><Code>AccessDenied</Code><Message>PHIMARKER</Message></Error>", status=403),
    "slow-down": upstream("<Error><Code>SlowDown</Code></Error>", status=503),
    "500": upstream("<Error><Code>InternalError</Code></Error>", status=500),
    "no-such-bucket": upstream("<Error><Code>NoSuchBucket</Code></Error>", status=404),
    "failure-model-error": upstream('{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","OriginalStatusCode":415,"OriginalMessage":"PHIMARKER"}'),
    "failure-message": upstream('Received server error (0) from primary with message "PHIMARKER".', content_type=None),
    "failure-text": upstream("PHIMARKER crashed", content_type=None),
}
for name, data in S3_ANSWERS.items():
    write("async_result", "output-" + name, b"\x01" + data)
    write("async_result", "failure-" + name, b"\x02" + data)

# --- the red-flag rule engine (src/safety/) ---------------------------------

# red_flags: the age (first line), symptoms up to an empty line, then history;
# from the unit tests of src/safety/embedded_tests.rs and near misses.
PATIENTS = {
    "heart-attack": ("54", ["crushing chest pain radiating to my left arm", "sweating"], ["hypertension"]),
    "shouting": ("45", ["Sweating", "CHEST PAIN!!!"], []),
    "negated-list": ("45", ["no fever or chest pain"], []),
    "negation-ends-at-but": ("45", ["no fever but chest pain"], []),
    "infant-fever": ("0.1", ["fever"], []),
    "infant-boundary": ("0.25", ["fever"], []),
    "hay-fever-infant": ("0.1", ["hay fever"], []),
    "meningitis": ("30", ["Fever", "neck is stiff", "rash that doesn't fade"], []),
    "stroke": ("70", ["Dad's speech is slurred and his arm is weak", "worst headache of my life"], []),
    "curly-apostrophe": ("x", ["Can\u2019t Breathe"], []),
    "anaphylaxis-history": ("20", ["wheezing", "hives"], ["anaphylaxis to peanuts"]),
    "no-history-of": ("30", ["wheezing"], ["no history of anaphylaxis"]),
    "no-reason-to-live": ("17", ["I have no fever and no reason to live"], []),
    "denies": ("30", ["denies suicidal thoughts", "not suicidal"], []),
    "sepsis": ("80", ["chills", "confused", "blotchy skin"], ["pneumonia"]),
    "seizure-unknown-age": ("", ["having a fit", "won't wake up"], []),
    "dotted-capital-i": ("nan", ["\u0130nfection", "CONF\u0130USED", "sudden d\u0130zziness"], []),
    "near-misses": ("40", ["painting the fence", "chest infection", "heartburn after meals"], []),
    "no-symptoms": ("1e308", [], ["kidney transplant"]),
}
for name, (age, symptoms, history) in PATIENTS.items():
    write("red_flags", name, "\n".join([age, *symptoms, "", *history]))

# red_flag_rules: rule files (inputs starting with "{" are only read as
# files), then generator inputs for the target's `arbitrary` rule files.
EMBEDDED_TEXT = (REPO / "src/safety/red_flags.json").read_text()
SOURCE = {"organisation": "NHS", "title": "Meningitis", "url": "https://www.nhs.uk/conditions/meningitis/"}
DOC_EXAMPLE = {
    "version": "2026-12-06.1",
    "concepts": [
        {"name": "fever", "phrases": ["fever", "high temperature"], "except": ["hay fever"]},
        {"name": "stiff_neck", "phrases": ["stiff neck", "neck stiffness"]},
    ],
    "rules": [
        {
            "id": "meningitis_fever_stiff_neck",
            "finding": "A fever with a stiff neck is a published warning sign of meningitis: get medical help now.",
            "source": SOURCE,
            "min_level": "critical",
            "symptoms": [["fever"], ["stiff_neck"]],
            "note": "for reviewers; never shown",
        },
        {
            "id": "infant_fever",
            "finding": "A fever in a baby under 3 months needs a doctor right away.",
            "source": SOURCE,
            "min_level": "high",
            "symptoms": [["fever"]],
            "age_years": {"below": 0.25},
            "negatable": True,
        },
    ],
}
# An extension: its rule uses the embedded concepts, so it loads only as one.
EXTENSION = {
    "version": "acme.3",
    "concepts": [{"name": "purple_spots", "phrases": ["purple spots"]}],
    "rules": [
        {
            "id": "acme_fever_spots",
            "finding": "A fever with purple spots needs urgent care.",
            "source": SOURCE,
            "min_level": "critical",
            "symptoms": [["fever", "chills"], ["purple_spots", "non_blanching_rash"]],
            "history": [["infection"]],
            "age_years": {"at_least": 0.25, "below": 18},
            "negatable": False,
        }
    ],
}


def changed(document, change):
    document = json.loads(json.dumps(document))
    change(document)
    return document


RULE_FILES = {
    "embedded": EMBEDDED_TEXT,
    "doc-example": DOC_EXAMPLE,
    "extension": EXTENSION,
    "extension-duplicate-id": changed(EXTENSION, lambda d: d["rules"][0].update(id="stroke_fast")),
    "extension-duplicate-concept": changed(EXTENSION, lambda d: d["concepts"][0].update(name="fever")),
    "unknown-rule-field": changed(DOC_EXAMPLE, lambda d: d["rules"][1].update(severity="high")),
    "bad-level": changed(DOC_EXAMPLE, lambda d: d["rules"][0].update(min_level="Critical")),
    "invalid-id": changed(DOC_EXAMPLE, lambda d: d["rules"][1].update(id="Infant Fever", min_level=3)),
    "number-id": changed(DOC_EXAMPLE, lambda d: d["rules"][1].update(id=7, min_level="severe")),
    "rule-not-object": changed(DOC_EXAMPLE, lambda d: d["rules"].insert(0, "infant_fever")),
    "inverted-age": changed(DOC_EXAMPLE, lambda d: d["rules"][1].update(age_years={"at_least": 1, "below": 0.25})),
    "unknown-concept": changed(DOC_EXAMPLE, lambda d: d["rules"][0].update(symptoms=[["fever"], ["neck_stiff"]])),
    "http-source": changed(DOC_EXAMPLE, lambda d: d["rules"][1].update(source={**SOURCE, "url": "http://example.org/"})),
    "filler-phrase": changed(DOC_EXAMPLE, lambda d: d["concepts"][1].update(phrases=["the my"])),
    "clause-break-phrase": changed(DOC_EXAMPLE, lambda d: d["concepts"][1].update(phrases=["stiff and sore neck"])),
    "except-nothing": changed(DOC_EXAMPLE, lambda d: d["concepts"][0].update({"except": ["hay"]})),
    "duplicate-keys": '{"version":"1","rules":[{"id":"a","id":"b","min_level":"low"}],"version":"2"}',
    "not-json": '{"version": "1",}',
}
for name, document in RULE_FILES.items():
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=1)
    write("red_flag_rules", "file-" + name, text)
# Generator inputs: deterministic bytes, none starting with "{".
block = b"healthnav-edge red_flag_rules"
for size in (24, 64, 160, 400):
    data = b""
    while len(data) < size:
        block = hashlib.sha256(block).digest()
        data += block
    write("red_flag_rules", f"generated-{size}", b"\x00" + data[: size - 1])

print(f"seeds written under {SEEDS}")
