"""The real gateway (`deno task serve`) against moto, signing as the stack's
edge user, whose only permission is the template's policy, with moto's IAM
checks on. Every call the three functions make must be allowed; a call to an
endpoint outside the policy must reach the client as a clean problem+json.

The model answers are moto's canned bodies, queued before each call in the
formats the gateway's normalisers read (README "What the models may return").
"""

import json
import re

import pytest

from gateway_process import start_gateway

# A risk model deployed beside the stack, which the template's policy does
# not name (nor did the guide's endpoint/medical-*).
OUTSIDE_THE_POLICY = "patient-risk-scorer-v2"

TRIAGE_MODEL_ANSWER = {
    "urgency_score": 0.35,
    "risk_level": "moderate",
    "recommended_specialty": "General Practice",
    "confidence": 0.8,
    "key_findings": ["Fever reported", "Cough reported"],
    "model_version": "1.2.0",
    "inference_time_ms": 45,
}
# Built-in Image Classification: one probability per IMAGE_CLASS_LABELS entry
# (normal, pneumonia, pleural_effusion, cardiomegaly, nodule).
IMAGE_MODEL_ANSWER = {"prediction": [0.05, 0.82, 0.06, 0.04, 0.03]}


@pytest.fixture(scope="module")
def gateway(gateway_settings):
    process = start_gateway(gateway_settings)
    yield process
    process.stop()
    process.log_path.unlink()


@pytest.fixture(scope="module")
def gateway_outside_the_policy(gateway_settings):
    """The same credentials, its risk function pointed at OUTSIDE_THE_POLICY."""
    process = start_gateway(gateway_settings | {"SAGEMAKER_RISK_ENDPOINT": OUTSIDE_THE_POLICY})
    yield process
    process.stop()
    process.log_path.unlink()


def assert_ok(answer, status=200):
    assert answer.status == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")


def test_triage_is_allowed(gateway, deployment):
    deployment.queue_model_answer(json.dumps(TRIAGE_MODEL_ANSWER), "application/json", "model-v1")
    answer = gateway.post(
        "sagemaker-triage",
        {
            "symptoms": ["fever", "cough"],
            "patient_data": {"age": 35, "gender": "female"},
            "endpoint": "medical-triage-endpoint",
        },
    )
    assert_ok(answer)
    result = answer.json
    assert result["risk_level"] == "moderate"
    assert result["urgency_score"] == 0.35
    assert result["recommended_specialty"] == "General Practice"
    assert result["model_version"] == "1.2.0"


def test_image_analysis_of_an_s3_image_is_allowed(gateway, deployment):
    deployment.queue_model_answer(json.dumps(IMAGE_MODEL_ANSWER), "application/json", "AllTraffic")
    answer = gateway.post(
        "sagemaker-image-analysis",
        {"image_data": deployment.patient_image_uri, "image_type": "xray"},
    )
    assert_ok(answer)
    top = answer.json["predictions"][0]
    assert (top["condition"], top["confidence"]) == ("pneumonia", 0.82)


RISK_REQUEST = {
    "patient_data": {
        "age": 67,
        "gender": "male",
        "heart_rate_bpm": 112,
        "systolic_bp_mmhg": 165,
        "diastolic_bp_mmhg": 95,
        "respiratory_rate_per_min": 24,
        "temperature_c": 38.4,
        "spo2_percent": 91,
    }
}


def test_risk_score_is_allowed(gateway, deployment):
    # Built-in XGBoost, binary:logistic, CSV: the probability of the event.
    deployment.queue_model_answer("0.8734\n", "text/csv", "AllTraffic")
    answer = gateway.post("sagemaker-risk-score", RISK_REQUEST)
    assert_ok(answer)
    assert answer.json["risk_score"] == 0.8734
    assert answer.json["risk_level"] == "critical"


def submit_async_image(gateway, deployment):
    answer = gateway.post(
        "sagemaker-image-analysis",
        {"image_data": deployment.patient_image_uri, "image_type": "xray", "async": True},
    )
    assert_ok(answer, 202)
    return answer.json["id"]


def test_async_image_is_submitted_and_its_result_read_from_s3(gateway, deployment):
    deployment.queue_async_answer(json.dumps(IMAGE_MODEL_ANSWER))
    result_id = submit_async_image(gateway, deployment)
    # The result was written where the template's endpoint config says.
    s3 = deployment.client("s3")
    bucket = deployment.outputs["AsyncResultsBucket"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(re.fullmatch(r"async-output/[0-9a-f-]{36}\.out", key) for key in keys), keys

    answer = gateway.get("sagemaker-image-analysis", result_id)
    assert_ok(answer)
    assert answer.json["predictions"][0]["condition"] == "pneumonia"


def test_async_failure_is_read_from_the_failure_prefix(gateway, deployment):
    # SageMaker's failure document; its text must never reach the client.
    failure = "Received server error (500) from primary with message: patient scan unreadable"
    deployment.queue_async_answer(failure, is_failure=True)
    result_id = submit_async_image(gateway, deployment)

    answer = gateway.get("sagemaker-image-analysis", result_id)
    assert answer.status == 502, answer.text
    assert answer.json["code"] == "model_error"
    assert "unreadable" not in answer.text


def test_endpoint_outside_the_policy_is_denied_cleanly(gateway_outside_the_policy, deployment):
    answer = gateway_outside_the_policy.post("sagemaker-risk-score", RISK_REQUEST)
    assert answer.status == 502, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json
    assert problem["code"] == "upstream_auth_failed"
    assert problem["request_id"]
    # Nothing of AWS's message: not its words, the user, the account or the ARN.
    user = deployment.outputs["EdgeFunctionsUserName"]
    for leak in ("not authorized", "AccessDenied", user, "123456789012", "arn:aws"):
        assert leak not in answer.text


def test_gateway_logs_hold_no_secret_and_no_aws_message(
    gateway_outside_the_policy, gateway_settings
):
    gateway = gateway_outside_the_policy
    assert gateway.post("sagemaker-risk-score", RISK_REQUEST).status == 502
    log = gateway.log()
    assert "upstream_auth_failed" in log  # the denial is logged ...
    for secret in (
        gateway_settings["AWS_SECRET_ACCESS_KEY"],
        gateway_settings["ASYNC_RESULT_SECRET"],
        *gateway.secrets,
        gateway.token,
        "not authorized",  # ... without AWS's message
    ):
        assert secret not in log
