"""infra/healthnav.yaml deployed into moto's CloudFormation: what moto
creates is read back through moto's own service APIs, and what it does not
model is listed (test_template.py checks those statically).
"""

import json

from cfn_template import TEMPLATE_PATH, TEST_PARAMETERS
from moto_server import NOT_MODELLED_BY_MOTO


def test_stack_creates_everything_moto_models(template, deployment):
    expected = template.deployed_resources()
    skipped = {lid: t for lid, t in expected.items() if lid not in deployment.created}
    assert set(skipped.values()) == NOT_MODELLED_BY_MOTO
    assert deployment.skipped_types == NOT_MODELLED_BY_MOTO
    assert deployment.created == {
        lid: t for lid, t in expected.items() if t not in NOT_MODELLED_BY_MOTO
    }


def test_endpoints_exist_under_their_names_with_their_configs(deployment):
    sagemaker = deployment.client("sagemaker")
    expected_variants = {
        "medical-triage-endpoint": {"model-v1": 0.5, "model-v2": 0.5},
        "medical-image-classifier": {"AllTraffic": 1.0},
        "medical-image-classifier-async": {"AllTraffic": 1.0},
        "patient-risk-scorer": {"AllTraffic": 1.0},
    }
    key_arn = deployment.outputs["DataKeyArn"]
    for name, variants in expected_variants.items():
        endpoint = sagemaker.describe_endpoint(EndpointName=name)
        config = sagemaker.describe_endpoint_config(
            EndpointConfigName=endpoint["EndpointConfigName"]
        )
        weights = {
            v["VariantName"]: v["InitialVariantWeight"] for v in config["ProductionVariants"]
        }
        assert weights == variants, name
        assert config["KmsKeyId"] == key_arn, name


def test_triage_models_are_the_two_artefacts(deployment):
    sagemaker = deployment.client("sagemaker")
    config_name = sagemaker.describe_endpoint(EndpointName="medical-triage-endpoint")[
        "EndpointConfigName"
    ]
    variants = sagemaker.describe_endpoint_config(EndpointConfigName=config_name)[
        "ProductionVariants"
    ]
    artefacts = {
        v["VariantName"]: sagemaker.describe_model(ModelName=v["ModelName"])["PrimaryContainer"][
            "ModelDataUrl"
        ]
        for v in variants
    }
    assert artefacts == {
        "model-v1": TEST_PARAMETERS["TriageModelV1DataUrl"],
        "model-v2": TEST_PARAMETERS["TriageModelV2DataUrl"],
    }


def test_triage_data_capture_and_async_output_use_the_stacks_buckets(deployment):
    sagemaker = deployment.client("sagemaker")
    out = deployment.outputs

    def config_of(endpoint: str) -> dict:
        name = sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointConfigName"]
        return sagemaker.describe_endpoint_config(EndpointConfigName=name)

    capture = config_of("medical-triage-endpoint")["DataCaptureConfig"]
    assert capture["DestinationS3Uri"] == out["DataCaptureUri"]
    assert capture["KmsKeyId"] == out["DataKeyArn"]
    assert capture["EnableCapture"] is True

    output = config_of("medical-image-classifier-async")["AsyncInferenceConfig"]["OutputConfig"]
    bucket = out["AsyncResultsBucket"]
    assert output["S3OutputPath"] == f"s3://{bucket}/async-output"
    assert output["S3FailurePath"] == f"s3://{bucket}/async-failures"
    assert output["KmsKeyId"] == out["DataKeyArn"]
    assert output["NotificationConfig"] == {
        "SuccessTopic": out["AsyncSuccessTopicArn"],
        "ErrorTopic": out["AsyncErrorTopicArn"],
    }


def test_buckets_are_kms_encrypted_with_the_stacks_key(deployment):
    s3 = deployment.client("s3")
    cfn = deployment.client("cloudformation")
    for logical_id in ("AsyncResultsBucket", "DataCaptureBucket", "AuditLogBucket"):
        bucket = cfn.describe_stack_resource(StackName="healthnav", LogicalResourceId=logical_id)[
            "StackResourceDetail"
        ]["PhysicalResourceId"]
        (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
            "Rules"
        ]
        assert rule["ApplyServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": deployment.outputs["DataKeyArn"],
        }, logical_id


def test_endpoint_log_groups_have_retention(deployment):
    logs = deployment.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/sagemaker/Endpoints/")["logGroups"]
    assert {g["logGroupName"].rsplit("/", 1)[1] for g in groups} == {
        "medical-triage-endpoint",
        "medical-image-classifier",
        "medical-image-classifier-async",
        "patient-risk-scorer",
    }
    for group in groups:
        assert group["retentionInDays"] == 365


def test_topics_are_encrypted_and_the_key_rotates(deployment):
    sns = deployment.client("sns")
    kms = deployment.client("kms")
    key_id = deployment.outputs["DataKeyArn"].rsplit("/", 1)[1]
    for output in ("AlarmTopicArn", "AsyncSuccessTopicArn", "AsyncErrorTopicArn"):
        attributes = sns.get_topic_attributes(TopicArn=deployment.outputs[output])["Attributes"]
        assert attributes["KmsMasterKeyId"] == key_id, output
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


def test_edge_user_holds_the_template_policy_and_nothing_else(deployment, template):
    iam = deployment.client("iam")
    user = deployment.outputs["EdgeFunctionsUserName"]
    attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [deployment.outputs["EdgeFunctionsPolicyArn"]]
    assert iam.list_user_policies(UserName=user)["PolicyNames"] == []
    assert iam.list_groups_for_user(UserName=user)["Groups"] == []
    policy = iam.get_policy(PolicyArn=deployment.outputs["EdgeFunctionsPolicyArn"])["Policy"]
    document = iam.get_policy_version(
        PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    sids = [s["Sid"] for s in document["Statement"]]
    assert sids == [
        "InvokeRealTimeEndpoints",
        "InvokeAsyncImageEndpoint",
        "ReadAsyncResults",
        "PendingResultsReadAsNotFound",
        "DecryptAsyncResultsThroughS3",
    ]
    bucket_arn = f"arn:aws:s3:::{deployment.outputs['AsyncResultsBucket']}"
    assert document["Statement"][2]["Resource"] == [
        f"{bucket_arn}/async-output/*",
        f"{bucket_arn}/async-failures/*",
    ]


def test_vpc_endpoint_is_created_when_a_vpc_is_given(deployment):
    # A second stack, with a VPC and its own endpoint names (SageMaker and
    # CloudWatch Logs names are per account and region).
    ec2 = deployment.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    clients = ec2.create_security_group(GroupName="callers", Description="callers", VpcId=vpc)
    parameters = TEST_PARAMETERS | {
        "TriageEndpointName": "vpc-triage",
        "ImageEndpointName": "vpc-image",
        "ImageAsyncEndpointName": "vpc-image-async",
        "RiskEndpointName": "vpc-risk",
        "VpcId": vpc,
        "VpcEndpointSubnetIds": subnet,
        "VpcClientSecurityGroupId": clients["GroupId"],
        "CreateAuditTrail": "false",
        "CreateEdgeFunctionsUser": "false",
    }
    cfn = deployment.client("cloudformation")
    cfn.create_stack(
        StackName="healthnav-vpc",
        TemplateBody=TEMPLATE_PATH.read_text(),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName="healthnav-vpc")["Stacks"][0]["Outputs"]
    }
    assert "EdgeFunctionsUserName" not in outputs
    (endpoint,) = ec2.describe_vpc_endpoints(
        VpcEndpointIds=[outputs["SageMakerRuntimeVpcEndpointId"]]
    )["VpcEndpoints"]
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.sagemaker.runtime"
    assert endpoint["VpcEndpointType"] == "Interface"
    assert endpoint["PrivateDnsEnabled"] is True
    assert endpoint["SubnetIds"] == [subnet]
    # moto keeps the policy as Python's repr of the document, not JSON.
    for name in ("vpc-triage", "vpc-image", "vpc-image-async", "vpc-risk"):
        assert (
            f"arn:aws:sagemaker:us-east-1:123456789012:endpoint/{name}'"
            in (endpoint["PolicyDocument"])
        )


def test_properties_moto_ignores(deployment):
    """test_template.py checks these instead (test_buckets_refuse_plain_http_
    and_public_access, test_data_is_kept_only_as_long_as_set,
    test_everything_at_rest_is_encrypted_with_the_stacks_key)."""
    s3 = deployment.client("s3")
    bucket = deployment.outputs["AsyncResultsBucket"]
    for call, missing in (
        (s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration"),
        (s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration"),
    ):
        try:
            call(Bucket=bucket)
            raise AssertionError(f"moto now models {call.__name__}: check it in this file")
        except s3.exceptions.ClientError as error:
            assert error.response["Error"]["Code"] == missing
    logs = deployment.client("logs")
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/sagemaker/Endpoints/")["logGroups"]
    assert groups and all("kmsKeyId" not in group for group in groups)
