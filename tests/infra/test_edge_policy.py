"""The edge functions' policy as moto's IAM evaluates it: boto3 signs as the
stack's edge user, whose only permission is the template's managed policy.
Every call the gateway makes is allowed; its neighbours are denied.
"""

import botocore.exceptions
import pytest

ASYNC = "medical-image-classifier-async"
REAL_TIME = ["medical-triage-endpoint", "medical-image-classifier", "patient-risk-scorer"]


@pytest.fixture(scope="module")
def edge(deployment):
    def client(service):
        return deployment.client(service, deployment.edge)

    return client


@pytest.fixture(scope="module")
def result_keys(deployment):
    """One object under each async prefix, and one beside them."""
    s3 = deployment.client("s3")
    bucket = deployment.outputs["AsyncResultsBucket"]
    keys = {
        "output": "async-output/00000000-0000-0000-0000-000000000001.out",
        "failure": "async-failures/00000000-0000-0000-0000-000000000001-error.out",
        "elsewhere": "other/00000000-0000-0000-0000-000000000001.out",
    }
    for key in keys.values():
        s3.put_object(Bucket=bucket, Key=key, Body=b'{"prediction": [1.0]}')
    return keys


def denied(call) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


@pytest.mark.parametrize("endpoint", REAL_TIME)
def test_invoke_endpoint_allowed(edge, endpoint):
    runtime = edge("sagemaker-runtime")
    answer = runtime.invoke_endpoint(EndpointName=endpoint, Body=b"1,2", ContentType="text/csv")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_invoke_async_endpoint_allowed(edge, deployment):
    deployment.queue_async_answer('{"prediction": [0.1, 0.9]}')
    runtime = edge("sagemaker-runtime")
    answer = runtime.invoke_endpoint_async(
        EndpointName=ASYNC, InputLocation="s3://healthnav-patient-images/scans/p1.png"
    )
    bucket = deployment.outputs["AsyncResultsBucket"]
    assert answer["OutputLocation"].startswith(f"s3://{bucket}/async-output/")


@pytest.mark.parametrize("which", ["output", "failure"])
def test_read_async_results_allowed(edge, deployment, result_keys, which):
    s3 = edge("s3")
    bucket = deployment.outputs["AsyncResultsBucket"]
    assert s3.get_object(Bucket=bucket, Key=result_keys[which])["Body"].read()


@pytest.mark.parametrize(
    "endpoint",
    [
        # Matched by the guide's endpoint/medical-*, not by ours.
        "medical-triage-experimental",
        # The async endpoint takes InvokeEndpointAsync only.
        ASYNC,
    ],
)
def test_invoke_other_endpoint_denied(edge, endpoint):
    runtime = edge("sagemaker-runtime")
    code = denied(
        lambda: runtime.invoke_endpoint(EndpointName=endpoint, Body=b"1", ContentType="text/csv")
    )
    assert code == "AccessDeniedException"


def test_invoke_real_time_endpoint_asynchronously_denied(edge):
    runtime = edge("sagemaker-runtime")
    code = denied(
        lambda: runtime.invoke_endpoint_async(
            EndpointName="medical-triage-endpoint", InputLocation="s3://b/k"
        )
    )
    assert code == "AccessDeniedException"


def test_s3_beyond_the_result_prefixes_denied(edge, deployment, result_keys):
    s3 = edge("s3")
    bucket = deployment.outputs["AsyncResultsBucket"]
    capture_bucket = deployment.outputs["DataCaptureUri"].split("/")[2]
    patient_images = deployment.outputs["PatientImageBucket"]
    calls = {
        "read beside the prefixes": lambda: s3.get_object(
            Bucket=bucket, Key=result_keys["elsewhere"]
        ),
        "write a result": lambda: s3.put_object(
            Bucket=bucket, Key=result_keys["output"], Body=b"x"
        ),
        "delete a result": lambda: s3.delete_object(Bucket=bucket, Key=result_keys["output"]),
        "read data capture": lambda: s3.list_objects_v2(Bucket=capture_bucket),
        "read patient images": lambda: s3.get_object(Bucket=patient_images, Key="scans/p1.png"),
    }
    codes = {name: denied(call) for name, call in calls.items()}
    assert codes == {name: "AccessDenied" for name in calls}


def test_control_plane_denied(edge):
    sagemaker = edge("sagemaker")
    iam = edge("iam")
    # moto answers SageMaker's JSON API with its XML AccessDenied, which
    # boto3 reports by status alone.
    assert denied(lambda: sagemaker.list_endpoints()) == "403"
    assert denied(lambda: sagemaker.describe_endpoint(EndpointName=REAL_TIME[0])) == "403"
    assert denied(lambda: iam.list_users()) == "AccessDenied"
