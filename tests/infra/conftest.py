"""Fixtures: the template, a patched moto server on 127.0.0.1 with the stack
deployed into its CloudFormation and IAM checks switched on once the stack is
up, and the gateway's settings taken from the stack's outputs with the
credentials of the IAM user that holds only the template's policy.
"""

import json
import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.request import Request, urlopen

import boto3
import pytest

import moto_server
from cfn_template import FUNCTION_SECRETS, TEMPLATE_PATH, TEST_PARAMETERS, Template

REGION = "us-east-1"
STACK = "healthnav"
IMAGE_KEY = "scans/p1.png"
# 1x1 PNG: the gateway checks an inline image's magic bytes, never an S3 one's,
# but the object should be what its name says.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def pytest_configure(config: Any) -> None:
    # moto's "Tried to parse ... not supported" warnings: the summary at the
    # end lists those types once.
    config.addinivalue_line("filterwarnings", "ignore:Tried to parse AWS:UserWarning")


@pytest.fixture(scope="session")
def template() -> Template:
    return Template.load()


class _UnsupportedTypes(logging.Handler):
    """Collects the resource types moto's CloudFormation says it skips."""

    PREFIX = "No Moto CloudFormation support for "

    def __init__(self) -> None:
        super().__init__()
        self.types: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(self.PREFIX):
            self.types.add(message[len(self.PREFIX) :])


@dataclass
class Deployment:
    url: str
    outputs: dict[str, str]
    created: dict[str, str]  # logical id → type, as moto's stack lists them
    skipped_types: set[str]  # what moto logged it does not model
    admin: boto3.Session
    edge: boto3.Session
    patient_image_uri: str

    def client(self, service: str, session: boto3.Session | None = None) -> Any:
        return (session or self.admin).client(service, endpoint_url=self.url, region_name=REGION)

    def moto_api(self, path: str, payload: Any) -> None:
        """moto's own API (not IAM-checked), e.g. the canned model answers."""
        request = Request(
            f"{self.url}/moto-api/{path}",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urlopen(request, timeout=10) as response:
            assert response.status < 300

    def queue_model_answer(self, body: str, content_type: str, variant: str) -> None:
        """The next InvokeEndpoint with new input answers this."""
        self.moto_api(
            "static/sagemaker/endpoint-results",
            {
                "region": REGION,
                "results": [
                    {
                        "Body": body,
                        "ContentType": content_type,
                        "InvokedProductionVariant": variant,
                        "CustomAttributes": "",
                    }
                ],
            },
        )

    def queue_async_answer(self, data: str, is_failure: bool = False) -> None:
        """The next InvokeEndpointAsync writes this as its output (or failure)."""
        self.moto_api(
            "static/sagemaker/async-endpoint-results",
            {"region": REGION, "results": [{"data": data, "is_failure": is_failure}]},
        )


DEPLOYMENT_REPORT: dict[str, Any] = {}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """The patched moto server (moto_server.py), stopped after the session."""
    server = moto_server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def deployment(moto_url: str) -> Deployment:
    url = moto_url
    # Before IAM checks are on, any key works; "bootstrap" creates the users.
    bootstrap = boto3.Session(
        aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap", region_name=REGION
    )

    def client(service: str, session: boto3.Session = bootstrap) -> Any:
        return session.client(service, endpoint_url=url, region_name=REGION)

    watcher = _UnsupportedTypes()
    logging.getLogger("moto").addHandler(watcher)
    try:
        cfn = client("cloudformation")
        cfn.create_stack(
            StackName=STACK,
            TemplateBody=TEMPLATE_PATH.read_text(),
            Parameters=[
                {"ParameterKey": key, "ParameterValue": value}
                for key, value in TEST_PARAMETERS.items()
            ],
            Capabilities=["CAPABILITY_IAM"],
        )
    finally:
        logging.getLogger("moto").removeHandler(watcher)
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stack["Outputs"]}
    created = {
        item["LogicalResourceId"]: item["ResourceType"]
        for item in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        if item["LogicalResourceId"]  # moto lists a skipped resource with no id
    }

    iam = client("iam")
    # The test's own identity once IAM checks are on: everything allowed.
    iam.create_user(UserName="infra-test-admin")
    iam.put_user_policy(
        UserName="infra-test-admin",
        PolicyName="everything",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    admin_key = iam.create_access_key(UserName="infra-test-admin")["AccessKey"]
    # The edge functions' identity: the user the stack made, its policy only.
    edge_key = iam.create_access_key(UserName=outputs["EdgeFunctionsUserName"])["AccessKey"]

    s3 = client("s3")
    s3.create_bucket(Bucket=TEST_PARAMETERS["PatientImageBucket"])
    s3.put_object(Bucket=TEST_PARAMETERS["PatientImageBucket"], Key=IMAGE_KEY, Body=PNG)

    # From here on moto checks every request's signature and IAM policies
    # (INITIAL_NO_AUTH_ACTION_COUNT = 0).
    switch_on = Request(
        f"{url}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urlopen(switch_on, timeout=10) as response:
        assert response.status == 200

    def session(key: dict[str, str]) -> boto3.Session:
        return boto3.Session(
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name=REGION,
        )

    DEPLOYMENT_REPORT.update(created=created, skipped_types=watcher.types)
    return Deployment(
        url=url,
        outputs=outputs,
        created=created,
        skipped_types=watcher.types,
        admin=session(admin_key),
        edge=session(edge_key),
        patient_image_uri=f"s3://{TEST_PARAMETERS['PatientImageBucket']}/{IMAGE_KEY}",
    )


@pytest.fixture(scope="session")
def gateway_settings(deployment: Deployment) -> dict[str, str]:
    """The function secrets as infra/README.md sets them from the outputs."""
    credentials = deployment.edge.get_credentials()
    settings = {
        variable: deployment.outputs[output] for output, variable in FUNCTION_SECRETS.items()
    }
    return settings | {
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "ASYNC_RESULT_SECRET": secrets.token_hex(32),
        # Only for the test: SageMaker Runtime and S3 are moto.
        "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": deployment.url,
        "AWS_ENDPOINT_URL_S3": deployment.url,
    }


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not DEPLOYMENT_REPORT:
        return
    write = terminalreporter.write_line
    terminalreporter.section("what moto did with infra/healthnav.yaml")

    def counted(types: list[str]) -> list[tuple[str, str]]:
        return [(f"{types.count(t):4d} x {t}", t) for t in sorted(set(types))]

    expected = Template.load().deployed_resources()
    created = DEPLOYMENT_REPORT["created"]
    write("created, and read back through moto's APIs:")
    for line, resource_type in counted(list(created.values())):
        dropped = moto_server.PROPERTIES_MOTO_IGNORES.get(resource_type)
        write(f"{line} (drops {', '.join(dropped)})" if dropped else line)
    write("not modelled (moto: 'No Moto CloudFormation support'), checked by test_template.py:")
    for line, _ in counted([t for lid, t in expected.items() if lid not in created]):
        write(line)
    write("moto's words: " + ", ".join(sorted(DEPLOYMENT_REPORT["skipped_types"])))
