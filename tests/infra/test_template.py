"""Static checks of infra/healthnav.yaml, for what moto's CloudFormation does
not model (alarms, autoscaling, bucket policies, the trail) and for the
guide's two errors. The template is read with cfn-lint's CloudFormation
loader; references resolve to the test parameters (cfn_template.py).
"""

import re

import pytest

from cfn_template import FUNCTION_SECRETS, ROOT, Template

# SageMaker reports ModelLatency in microseconds.
ONE_SECOND_IN_MICROSECONDS = 1_000_000


def gateway_function_names() -> dict[str, str]:
    """Supabase function directory → the Function dimension it reports."""
    names = {}
    for index in sorted((ROOT / "edge").glob("sagemaker-*/index.ts")):
        match = re.search(r'createEdgeFunction\("([^"]+)"\)', index.read_text())
        assert match, f"{index} no longer calls createEdgeFunction(...)"
        names[index.parent.name] = match.group(1)
    return names


def env_example_defaults() -> dict[str, str]:
    pairs = re.findall(r"^([A-Z_0-9]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M)
    return dict(pairs)


def gateway_metrics_namespace() -> str:
    source = (ROOT / "edge" / "_shared" / "metrics.ts").read_text()
    return re.search(r'METRICS_NAMESPACE = "([^"]+)"', source).group(1)


@pytest.fixture(scope="module")
def endpoints(template: Template) -> dict[str, dict]:
    """Endpoint name → {"logical_id", "config", "variants"}."""
    configs = template.of_type("AWS::SageMaker::EndpointConfig")
    result = {}
    for logical_id, endpoint in template.of_type("AWS::SageMaker::Endpoint").items():
        config_id = endpoint["EndpointConfigName"].strip("{}").split(".")[0]
        result[endpoint["EndpointName"]] = {
            "logical_id": logical_id,
            "config": configs[config_id],
            "variants": [v["VariantName"] for v in configs[config_id]["ProductionVariants"]],
        }
    return result


def real_time_variants(endpoints: dict[str, dict]) -> list[tuple[str, str]]:
    return [
        (name, variant)
        for name, endpoint in endpoints.items()
        if "AsyncInferenceConfig" not in endpoint["config"]
        for variant in endpoint["variants"]
    ]


def dimensions(alarm: dict) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in alarm["Dimensions"]}


def endpoint_of(alarm: dict, endpoints: dict[str, dict]) -> str:
    """The endpoint name an alarm's EndpointName dimension points at."""
    value = dimensions(alarm)["EndpointName"]
    by_logical_id = {e["logical_id"]: name for name, e in endpoints.items()}
    return by_logical_id.get(value.strip("{}").split(".")[0], value)


# --------------------------------------------------------------- endpoints


def test_endpoints_are_the_gateways_defaults(endpoints):
    defaults = env_example_defaults()
    assert set(endpoints) == {
        defaults["SAGEMAKER_TRIAGE_ENDPOINT"],
        defaults["SAGEMAKER_IMAGE_ENDPOINT"],
        defaults["SAGEMAKER_RISK_ENDPOINT"],
        defaults["SAGEMAKER_IMAGE_ASYNC_ENDPOINT"],
    }
    assert set(endpoints) == {
        "medical-triage-endpoint",
        "medical-image-classifier",
        "patient-risk-scorer",
        "medical-image-classifier-async",
    }


def test_triage_splits_traffic_50_50_between_two_models(endpoints):
    variants = endpoints["medical-triage-endpoint"]["config"]["ProductionVariants"]
    assert [v["VariantName"] for v in variants] == ["model-v1", "model-v2"]
    assert [v["InitialVariantWeight"] for v in variants] == [0.5, 0.5]
    assert variants[0]["ModelName"] != variants[1]["ModelName"]


def test_image_classifier_is_also_an_async_endpoint(template, endpoints):
    real_time = endpoints["medical-image-classifier"]["config"]
    asynchronous = endpoints["medical-image-classifier-async"]["config"]
    assert "AsyncInferenceConfig" not in real_time
    # Same model behind both.
    assert (
        real_time["ProductionVariants"][0]["ModelName"]
        == asynchronous["ProductionVariants"][0]["ModelName"]
    )
    output = asynchronous["AsyncInferenceConfig"]["OutputConfig"]
    assert output["S3OutputPath"] == "s3://{AsyncResultsBucket}/async-output"
    assert output["S3FailurePath"] == "s3://{AsyncResultsBucket}/async-failures"
    assert output["NotificationConfig"] == {
        "SuccessTopic": "{AsyncSuccessTopic}",
        "ErrorTopic": "{AsyncErrorTopic}",
    }
    # Results are PHI: notifications say where, never what.
    assert "IncludeInferenceResponseIn" not in output["NotificationConfig"]


def test_triage_captures_data_for_model_monitor(endpoints):
    capture = endpoints["medical-triage-endpoint"]["config"]["DataCaptureConfig"]
    assert capture["EnableCapture"] is True
    assert {o["CaptureMode"] for o in capture["CaptureOptions"]} == {"Input", "Output"}
    assert capture["DestinationS3Uri"] == "s3://{DataCaptureBucket}/data-capture"
    assert capture["KmsKeyId"] == "{DataKey.Arn}"
    # The gateway sends JSON (triage), JSON Lines (batches) and CSV (risk).
    assert capture["CaptureContentTypeHeader"]["JsonContentTypes"] == [
        "application/json",
        "application/jsonlines",
    ]


# -------------------------------------------------------------- encryption


def test_everything_at_rest_is_encrypted_with_the_stacks_key(template, endpoints):
    for endpoint in endpoints.values():
        assert endpoint["config"]["KmsKeyId"] == "{DataKey.Arn}"
    asynchronous = endpoints["medical-image-classifier-async"]["config"]
    assert asynchronous["AsyncInferenceConfig"]["OutputConfig"]["KmsKeyId"] == "{DataKey.Arn}"
    for name, bucket in template.of_type("AWS::S3::Bucket").items():
        (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": "{DataKey.Arn}",
        }, name
    for name, group in template.of_type("AWS::Logs::LogGroup").items():
        assert group["KmsKeyId"] == "{DataKey.Arn}", name
    for name, topic in template.of_type("AWS::SNS::Topic").items():
        assert topic["KmsMasterKeyId"] == "{DataKey}", name
    (key,) = template.of_type("AWS::KMS::Key").values()
    assert key["EnableKeyRotation"] is True


def test_buckets_refuse_plain_http_and_public_access(template):
    buckets = template.of_type("AWS::S3::Bucket")
    policies = template.of_type("AWS::S3::BucketPolicy")
    protected = {p["Bucket"].strip("{}") for p in policies.values()}
    assert protected == set(buckets)
    for policy in policies.values():
        deny = next(s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny")
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Action"] == "s3:*"
    for name, bucket in buckets.items():
        assert all(bucket["PublicAccessBlockConfiguration"].values()), name


def test_data_is_kept_only_as_long_as_set(template):
    rules = {
        name: bucket["LifecycleConfiguration"]["Rules"][0]
        for name, bucket in template.of_type("AWS::S3::Bucket").items()
    }
    # The gateway's async result ids expire after 24 h.
    assert rules["AsyncResultsBucket"]["ExpirationInDays"] == 1
    assert rules["DataCaptureBucket"]["ExpirationInDays"] == 30
    assert rules["AuditLogBucket"]["ExpirationInDays"] == 2192  # six years
    for group in template.of_type("AWS::Logs::LogGroup").values():
        assert group["RetentionInDays"] == 365


def test_audit_trail_records_object_access_to_patient_data(template):
    (trail,) = template.of_type("AWS::CloudTrail::Trail").values()
    assert trail["EnableLogFileValidation"] is True
    assert trail["KMSKeyId"] == "{DataKey.Arn}"
    data = next(
        s
        for s in trail["AdvancedEventSelectors"]
        if {"Field": "eventCategory", "Equals": ["Data"]} in s["FieldSelectors"]
    )
    arns = next(f for f in data["FieldSelectors"] if f["Field"] == "resources.ARN")
    assert arns["StartsWith"] == [
        "{AsyncResultsBucket.Arn}/",
        "{DataCaptureBucket.Arn}/",
        "arn:aws:s3:::healthnav-patient-images/",
    ]


# ------------------------------------------------------------- autoscaling


def test_every_variant_scales_between_1_and_5(template, endpoints):
    targets = template.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
    expected = {
        f"endpoint/{{{endpoints[name]['logical_id']}.EndpointName}}/variant/{variant}"
        for name in endpoints
        for variant in endpoints[name]["variants"]
    }
    assert {t["ResourceId"] for t in targets.values()} == expected
    for target in targets.values():
        assert target["ServiceNamespace"] == "sagemaker"
        assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
        assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 5)


def test_scaling_tracks_invocations_per_instance_and_the_async_backlog(template):
    targets = template.of_type("AWS::ApplicationAutoScaling::ScalableTarget")
    policies = template.of_type("AWS::ApplicationAutoScaling::ScalingPolicy")
    assert {p["ScalingTargetId"].strip("{}") for p in policies.values()} == set(targets)
    for name, policy in policies.items():
        assert policy["PolicyType"] == "TargetTrackingScaling"
        tracking = policy["TargetTrackingScalingPolicyConfiguration"]
        resource_id = targets[policy["ScalingTargetId"].strip("{}")]["ResourceId"]
        if "ImageAsyncEndpoint" in resource_id:
            metric = tracking["CustomizedMetricSpecification"]
            assert (metric["Namespace"], metric["MetricName"]) == (
                "AWS/SageMaker",
                "ApproximateBacklogSizePerInstance",
            )
        else:
            predefined = tracking["PredefinedMetricSpecification"]
            assert predefined["PredefinedMetricType"] == "SageMakerVariantInvocationsPerInstance", (
                name
            )
        assert tracking["TargetValue"] > 0


# ------------------------------------------------------------------ alarms


def sagemaker_alarms(template: Template, metric: str) -> dict[str, dict]:
    return {
        name: alarm
        for name, alarm in template.of_type("AWS::CloudWatch::Alarm").items()
        if alarm["Namespace"] == "AWS/SageMaker" and alarm["MetricName"] == metric
    }


def test_model_latency_one_second_alarm_is_1_000_000_microseconds(template):
    # The guide's Threshold=1000 "1 second" is 1 ms: ModelLatency is in µs.
    alarms = sagemaker_alarms(template, "ModelLatency")
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["Threshold"] == ONE_SECOND_IN_MICROSECONDS, name
        assert alarm["Unit"] == "Microseconds", name
        assert "1 second" in alarm["AlarmDescription"], name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", name


@pytest.mark.parametrize("metric", ["ModelLatency", "Invocation5XXErrors"])
def test_every_real_time_variant_has_its_alarm(template, endpoints, metric):
    alarms = sagemaker_alarms(template, metric)
    covered = {
        (endpoint_of(alarm, endpoints), dimensions(alarm)["VariantName"])
        for alarm in alarms.values()
    }
    assert covered == set(real_time_variants(endpoints))
    for alarm in alarms.values():
        # SageMaker publishes these per endpoint and variant, nothing else.
        assert set(dimensions(alarm)) == {"EndpointName", "VariantName"}
        assert alarm["AlarmActions"] == ["{AlarmTopic}"]


def test_5xx_alarms_fire_on_any_error(template):
    for name, alarm in sagemaker_alarms(template, "Invocation5XXErrors").items():
        assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 0), name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold", name


@pytest.mark.parametrize(
    ("metric", "unit", "threshold"),
    [("Status5xx", None, 0), ("UpstreamLatency", "Milliseconds", 5000)],
)
def test_gateway_metrics_alarm_per_function(template, endpoints, metric, unit, threshold):
    namespace = gateway_metrics_namespace()
    alarms = [
        alarm
        for alarm in template.of_type("AWS::CloudWatch::Alarm").values()
        if alarm["Namespace"] == namespace and alarm["MetricName"] == metric
    ]
    defaults = env_example_defaults()
    default_endpoint = {
        "sagemaker-triage": defaults["SAGEMAKER_TRIAGE_ENDPOINT"],
        "sagemaker-image-analysis": defaults["SAGEMAKER_IMAGE_ENDPOINT"],
        "sagemaker-risk-score": defaults["SAGEMAKER_RISK_ENDPOINT"],
    }
    expected = {
        (function, default_endpoint[directory])
        for directory, function in gateway_function_names().items()
    }
    assert {(dimensions(a)["Function"], dimensions(a)["Endpoint"]) for a in alarms} == expected
    for alarm in alarms:
        assert set(dimensions(alarm)) == {"Function", "Endpoint"}
        assert alarm.get("Unit") == unit
        assert alarm["Threshold"] == threshold


# -------------------------------------------------------------------- IAM


def edge_policy(template: Template) -> list[dict]:
    (policy,) = template.of_type("AWS::IAM::ManagedPolicy").values()
    return policy["PolicyDocument"]["Statement"]


def as_list(value):
    return value if isinstance(value, list) else [value]


def endpoint_arn(name: str) -> str:
    return f"arn:aws:sagemaker:us-east-1:123456789012:endpoint/{name}"


def test_edge_policy_grants_exactly_the_gateways_calls(template):
    granted = {
        (action, resource)
        for statement in edge_policy(template)
        for action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    }
    assert all(s["Effect"] == "Allow" for s in edge_policy(template))
    assert granted == {
        ("sagemaker:InvokeEndpoint", endpoint_arn("medical-triage-endpoint")),
        ("sagemaker:InvokeEndpoint", endpoint_arn("medical-image-classifier")),
        ("sagemaker:InvokeEndpoint", endpoint_arn("patient-risk-scorer")),
        ("sagemaker:InvokeEndpointAsync", endpoint_arn("medical-image-classifier-async")),
        ("s3:GetObject", "{AsyncResultsBucket.Arn}/async-output/*"),
        ("s3:GetObject", "{AsyncResultsBucket.Arn}/async-failures/*"),
        # A result not written yet reads 404 (pending), not 403.
        ("s3:ListBucket", "{AsyncResultsBucket.Arn}"),
        # The results are SSE-KMS.
        ("kms:Decrypt", "{DataKey.Arn}"),
    }


def test_edge_policy_has_no_wildcard_beyond_an_object_prefix(template):
    for statement in edge_policy(template):
        for action in as_list(statement["Action"]):
            assert "*" not in action
        for resource in as_list(statement["Resource"]):
            assert "*" not in resource.removesuffix("/*"), resource


def test_edge_policy_decrypts_only_through_s3_for_the_results(template):
    (decrypt,) = [s for s in edge_policy(template) if s["Action"] == "kms:Decrypt"]
    assert decrypt["Condition"]["StringEquals"] == {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert decrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
        "{AsyncResultsBucket.Arn}",
        "{AsyncResultsBucket.Arn}/async-output/*",
        "{AsyncResultsBucket.Arn}/async-failures/*",
    ]


def test_guide_pattern_missed_the_risk_scorer_and_ours_does_not(template):
    # The guide: arn:aws:sagemaker:*:*:endpoint/medical-*
    guide = re.compile(r"^arn:aws:sagemaker:[^:]*:[^:]*:endpoint/medical-.*$")
    assert not guide.match(endpoint_arn("patient-risk-scorer"))
    invoke = next(s for s in edge_policy(template) if s["Action"] == "sagemaker:InvokeEndpoint")
    assert endpoint_arn("patient-risk-scorer") in invoke["Resource"]


def test_edge_policy_is_attached_to_the_edge_user(template):
    (policy,) = template.of_type("AWS::IAM::ManagedPolicy").values()
    assert policy["Users"] == ["{EdgeFunctionsUser}"]


# --------------------------------------------------------------- outputs


def test_outputs_name_the_function_secrets(template):
    config = (ROOT / "edge" / "_shared" / "config.ts").read_text()
    outputs = template.body["Outputs"]
    for output, variable in FUNCTION_SECRETS.items():
        assert outputs[output]["Description"].startswith(variable), output
        assert f'"{variable}"' in config, f"edge/_shared/config.ts does not read {variable}"
    assert {"EdgeFunctionsPolicyArn", "EdgeFunctionsUserName", "AsyncResultsBucket"} <= set(outputs)


def test_vpc_endpoint_is_optional_and_scoped(template):
    resources = template.resources
    for logical_id in ("SageMakerRuntimeVpcEndpoint", "RuntimeEndpointSecurityGroup"):
        assert resources[logical_id]["Condition"] == "HasVpc"
    assert template.condition("HasVpc") is False  # off unless a VPC is given
    endpoint = template.resolve(resources["SageMakerRuntimeVpcEndpoint"]["Properties"])
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.sagemaker.runtime"
    assert endpoint["VpcEndpointType"] == "Interface"
    (statement,) = endpoint["PolicyDocument"]["Statement"]
    assert sorted(statement["Resource"]) == sorted(
        endpoint_arn(name)
        for name in (
            "medical-triage-endpoint",
            "medical-image-classifier",
            "medical-image-classifier-async",
            "patient-risk-scorer",
        )
    )
