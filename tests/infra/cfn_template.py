"""infra/healthnav.yaml read with cfn-lint's CloudFormation-aware YAML loader
(it understands !Ref, !Sub, !GetAtt ...), and a small resolver for the
static checks of what moto does not model.

resolve() turns intrinsic functions into plain values: a parameter becomes
its value in TEST_PARAMETERS or else its default, a pseudo parameter a fixed
test value, a resource reference a marker "{LogicalId}" or
"{LogicalId.Attribute}". So
  !Sub ${AsyncResultsBucket.Arn}/async-output/*
reads "{AsyncResultsBucket.Arn}/async-output/*".
"""

import re
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "infra" / "healthnav.yaml"

PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "healthnav",
}


# What the tests deploy with: the parameters without a default (artefacts and
# images that moto never runs, the patient image bucket) plus the defaults.
TEST_PARAMETERS = {
    "TriageModelV1DataUrl": "s3://healthnav-models/triage/v1/model.tar.gz",
    "TriageModelV2DataUrl": "s3://healthnav-models/triage/v2/model.tar.gz",
    "ImageModelDataUrl": "s3://healthnav-models/image/model.tar.gz",
    "RiskModelDataUrl": "s3://healthnav-models/risk/model.tar.gz",
    "TriageModelV1ImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "TriageModelV2ImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "ImageModelImageUri": "811284229777.dkr.ecr.us-east-1.amazonaws.com/image-classification:1",
    "RiskModelImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "PatientImageBucket": "healthnav-patient-images",
}

# Stack output → the function secret set from it (infra/README.md).
FUNCTION_SECRETS = {
    "Region": "AWS_REGION",
    "TriageEndpointName": "SAGEMAKER_TRIAGE_ENDPOINT",
    "ImageEndpointName": "SAGEMAKER_IMAGE_ENDPOINT",
    "RiskEndpointName": "SAGEMAKER_RISK_ENDPOINT",
    "ImageAsyncEndpointName": "SAGEMAKER_IMAGE_ASYNC_ENDPOINT",
    "PatientImageBucket": "IMAGE_S3_ALLOWED_BUCKETS",
}


class Template:
    def __init__(self, body: dict[str, Any], values: dict[str, str] | None = None):
        self.body = body
        self.parameters = body.get("Parameters", {})
        self.resources = body["Resources"]
        self.values = values if values is not None else TEST_PARAMETERS

    @classmethod
    def load(cls) -> "Template":
        return cls(cfn_yaml.load(str(TEMPLATE_PATH)))

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id → resolved Properties of every resource of that type."""
        return {
            logical_id: self.resolve(resource.get("Properties", {}))
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def parameter(self, name: str) -> Any:
        return self._ref(name, {})

    def condition(self, name: str) -> bool:
        return self._evaluate(self.body["Conditions"][name])

    def _evaluate(self, node: Any) -> bool:
        ((function, arg),) = node.items()
        if function == "Fn::Equals":
            left, right = (self.resolve(item) for item in arg)
            return left == right
        if function == "Fn::Not":
            return not self._evaluate(arg[0])
        if function == "Fn::And":
            return all(self._evaluate(item) for item in arg)
        if function == "Fn::Or":
            return any(self._evaluate(item) for item in arg)
        if function == "Condition":
            return self.condition(arg)
        raise ValueError(f"unsupported condition function {function}")

    def deployed_resources(self) -> dict[str, str]:
        """Logical id → type of the resources whose Condition holds."""
        return {
            logical_id: resource["Type"]
            for logical_id, resource in self.resources.items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }

    def resolve(self, node: Any, local: dict[str, Any] | None = None) -> Any:
        local = local or {}
        if isinstance(node, dict) and len(node) == 1:
            ((function, arg),) = node.items()
            if function == "Ref":
                return self._ref(arg, local)
            if function == "Fn::GetAtt":
                target = arg if isinstance(arg, list) else arg.split(".", 1)
                return "{" + ".".join(target) + "}"
            if function == "Fn::Sub":
                return self._sub(arg)
            if function == "Fn::Join":
                separator, items = arg
                return separator.join(str(item) for item in self.resolve(items, local))
            if function == "Fn::Select":
                index, items = arg
                return self.resolve(items, local)[int(index)]
            if function == "Fn::Split":
                separator, text = arg
                return str(self.resolve(text, local)).split(separator)
            if function == "Fn::If":
                condition, if_true, if_false = arg
                return self.resolve(if_true if self.condition(condition) else if_false, local)
        if isinstance(node, dict):
            return {key: self.resolve(value, local) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(item, local) for item in node]
        return node

    def _ref(self, name: str, local: dict[str, Any]) -> Any:
        if name in local:
            return local[name]
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            value = self.values.get(name, self.parameters[name].get("Default"))
            if self.parameters[name]["Type"] == "CommaDelimitedList":
                return [item for item in str(value).split(",") if item]
            return value
        return "{" + name + "}"

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else arg
        local = {key: self.resolve(value) for key, value in variables.items()}

        def substitute(match: re.Match) -> str:
            name = match.group(1)
            if "." in name and name not in PSEUDO and name not in local:
                return "{" + name + "}"
            return str(self._ref(name, local))

        return re.sub(r"\$\{([^}]+)\}", substitute, text)
