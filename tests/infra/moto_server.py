"""moto's server, adapted in four places where moto 5.2 differs from AWS in a
way that would hide what the infra tests check. Each patch is a few lines;
nothing else in moto is changed.

1. IAM resource of SageMaker Runtime calls. Stock moto authorises every
   sagemaker-runtime call against Resource "*", so a policy scoped to
   endpoint ARNs (as ours is) is denied everything. Here the resource is the
   endpoint's ARN, arn:aws:sagemaker:<region>:<account>:endpoint/<name>, as
   IAM evaluates it (the name lower-cased, as in SageMaker's ARNs).
2. Where an async result lands. Stock moto writes it to a new random bucket
   (sagemaker-output-<uuid>/response.json). SageMaker writes it under the
   endpoint config's AsyncInferenceConfig.OutputConfig S3OutputPath (or
   S3FailurePath), which is what the policy's s3:GetObject is scoped to.
3. EndpointName in CloudFormation. Stock moto names AWS::SageMaker::Endpoint
   <stack>-<LogicalId>-<random>, ignoring EndpointName; CloudFormation uses
   it. Needed by 2 (the gateway calls the async endpoint by its real name).
4. SageMaker Runtime's IAM check itself. Moto recomputes the SigV4 signature
   of a bodiless request (InvokeEndpointAsync) over its parsed headers
   instead of the empty body, so every such call fails SignatureDoesNotMatch;
   here the body is signed as sent. And a denial comes back in SageMaker
   Runtime's own (restJson1) shape, {"__type": "AccessDeniedException", ...}
   (status 400, moto's default for JSON errors), instead of moto's XML
   AccessDenied of the query protocol, which no AWS SDK reads for this API.

Run alone for manual checks: python tests/infra/moto_server.py [port]
"""

import sys
import time
from urllib.parse import unquote, urlparse

from botocore.awsrequest import AWSRequest
from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.iam.access_control import IAMRequest
from moto.moto_api._internal import mock_random
from moto.s3.models import s3_backends
from moto.sagemaker.models import FakeEndpoint, sagemaker_backends
from moto.sagemakerruntime.models import SageMakerRuntimeBackend
from moto.sagemakerruntime.responses import SageMakerRuntimeResponse
from moto.server import ThreadedMotoServer
from moto.utilities.utils import get_partition

# What moto 5.2's CloudFormation does not do with infra/healthnav.yaml, as
# observed (test_moto_deploy.py fails when that changes). These types are
# skipped with "No Moto CloudFormation support for ...":
NOT_MODELLED_BY_MOTO = {
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::CloudTrail::Trail",
    "AWS::CloudWatch::Alarm",
    "AWS::S3::BucketPolicy",
}
# and these properties are dropped from resources it does create:
PROPERTIES_MOTO_IGNORES = {
    "AWS::S3::Bucket": ["PublicAccessBlockConfiguration", "LifecycleConfiguration"],
    "AWS::Logs::LogGroup": ["KmsKeyId"],
}


def endpoint_arn(region: str, account: str, name: str) -> str:
    return f"arn:{get_partition(region)}:sagemaker:{region}:{account}:endpoint/{name.lower()}"


def _runtime_resource(self: SageMakerRuntimeResponse) -> str:
    # /endpoints/<name>/invocations or /endpoints/<name>/async-invocations
    parts = urlparse(self.uri).path.split("/")
    if len(parts) >= 3 and parts[1] == "endpoints":
        return endpoint_arn(self.region, self.current_account, unquote(parts[2]))
    return "*"


class _RuntimeIAMRequest(IAMRequest):
    def _create_aws_request(self) -> AWSRequest:
        request = super()._create_aws_request()
        request.data = self._body  # b"" stays b"", as the client signed it
        return request


def _authorize_runtime_call(self: SageMakerRuntimeResponse, resource: str = "*") -> None:
    try:
        self._authenticate_and_authorize_action(_RuntimeIAMRequest, resource)
    except AccessDeniedError as denied:
        raise JsonRESTError(
            "AccessDeniedException", f"{denied.message} on resource: {resource}"
        ) from denied


def _invoke_endpoint_async(
    self: SageMakerRuntimeBackend, endpoint_name: str, input_location: str
) -> tuple[str, str]:
    sagemaker = sagemaker_backends[self.account_id][self.region_name]
    # Raises SageMaker's ValidationError for an unknown endpoint, as AWS does.
    config_name = sagemaker.describe_endpoint(endpoint_name)["EndpointConfigName"]
    config = sagemaker.endpoint_configs[config_name].async_inference_config
    output_config = config["OutputConfig"]
    if self.async_results_queue:
        is_failure, data = self.async_results_queue.pop(0)
    else:
        is_failure, data = False, '{"default": "response"}'
    name = str(mock_random.uuid4())
    output = f"{output_config['S3OutputPath'].rstrip('/')}/{name}.out"
    failure = f"{output_config['S3FailurePath'].rstrip('/')}/{name}-error.out"
    bucket, _, key = (failure if is_failure else output)[len("s3://") :].partition("/")
    s3 = s3_backends[self.account_id][self.partition]
    s3.put_object(bucket, key, value=data.encode("utf-8"))
    return output, failure


def apply_patches() -> None:
    SageMakerRuntimeResponse._determine_resource = _runtime_resource
    SageMakerRuntimeResponse._authenticate_and_authorize_normal_action = _authorize_runtime_call
    SageMakerRuntimeBackend.invoke_endpoint_async = _invoke_endpoint_async
    FakeEndpoint.cloudformation_name_type = staticmethod(lambda: "EndpointName")


def start(port: int = 0) -> ThreadedMotoServer:
    """A patched moto server on 127.0.0.1 (port 0: a free one)."""
    apply_patches()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


if __name__ == "__main__":
    server = start(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    host, port = server.get_host_and_port()
    print(f"patched moto at http://{host}:{port} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
