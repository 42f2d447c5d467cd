"""Reject reserved (aws:) tag keys at the response layer.

The checks live on the *Response classes (what a client sends), never in the
tag backends, so moto's CloudFormation stamping of aws:cloudformation:* keeps working.
"""

import re
from typing import Any

from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response

from . import state

# Wire-level keys of the EC2 query protocol that carry a tag key:
#   CreateTags/DeleteTags:   Tag.N.Key
#   TagSpecifications:       TagSpecification.N.Tag.M.Key
_EC2_TAG_KEY = re.compile(r"^(?:TagSpecifications?\.\d+\.)?Tags?\.\d+\.Key$")


class ReservedCloudFrontTag(CloudFrontException):
    def __init__(self, key: str) -> None:
        super().__init__(
            "InvalidArgument",
            f"Tag key '{key}' is invalid: keys starting with 'aws:' are reserved for internal use",
        )


class NoSuchResource(CloudFrontException):
    def __init__(self, arn: str) -> None:
        super().__init__("NoSuchResource", f"The specified resource {arn} does not exist.")


_CF_ARN = re.compile(r"^arn:aws:cloudfront::\d+:(distribution|function|key-value-store)/(.+)$")


def check_cloudfront_resource(response: Any) -> None:
    """TagResource & co. on a distribution, function or key value store ARN that does not exist: 404 NoSuchResource."""
    arn = response._get_param("Resource") or ""
    m = _CF_ARN.match(arn)
    if not m:
        return
    backend = response.backend
    if m.group(1) == "distribution":
        exists = m.group(2) in backend.distributions
    elif m.group(1) == "key-value-store":
        exists = any(k.arn == arn for k in backend.__dict__.get("ackless_kvs", {}).values())
    else:
        exists = m.group(2) in backend.__dict__.get("ackless_functions", {})
    if not exists:
        raise NoSuchResource(arn)


def check_cloudfront_tag_keys(keys: list[Any]) -> None:
    for key in keys:
        if state.is_reserved_key(key):
            raise ReservedCloudFrontTag(key)


def _keys_of(items: Any) -> list[Any]:
    out = []
    for item in items or []:
        if isinstance(item, dict):
            out.append(item.get("Key"))
        else:
            out.append(item)
    return out


def _ec2_reserved_key(response: Any) -> str | None:
    for name, values in (response.querystring or {}).items():
        if not _EC2_TAG_KEY.match(str(name)):
            continue
        for value in values if isinstance(values, list) else [values]:
            if state.is_reserved_key(value):
                return value
    return None


def install() -> None:
    orig_tag = CloudFrontResponse.tag_resource
    orig_untag = CloudFrontResponse.untag_resource
    orig_with_tags = CloudFrontResponse.create_distribution_with_tags
    orig_list = CloudFrontResponse.list_tags_for_resource

    def tag_resource(self: CloudFrontResponse) -> ActionResult:
        check_cloudfront_tag_keys(_keys_of(self._get_param("Tags.Items", [])))
        check_cloudfront_resource(self)
        return orig_tag(self)

    def untag_resource(self: CloudFrontResponse) -> ActionResult:
        check_cloudfront_tag_keys(_keys_of(self._get_param("TagKeys.Items", [])))
        check_cloudfront_resource(self)
        return orig_untag(self)

    def list_tags_for_resource(self: CloudFrontResponse) -> ActionResult:
        check_cloudfront_resource(self)
        return orig_list(self)

    def create_distribution_with_tags(self: CloudFrontResponse) -> ActionResult:
        check_cloudfront_tag_keys(
            _keys_of(self._get_param("DistributionConfigWithTags.Tags.Items", []))
        )
        return orig_with_tags(self)

    CloudFrontResponse.tag_resource = tag_resource
    CloudFrontResponse.untag_resource = untag_resource
    CloudFrontResponse.list_tags_for_resource = list_tags_for_resource
    CloudFrontResponse.create_distribution_with_tags = create_distribution_with_tags

    orig_call_action = EC2Response.call_action

    def call_action(self: EC2Response) -> Any:
        key = _ec2_reserved_key(self)
        if key is not None:
            return self.serialized(
                ActionResult(
                    EC2ClientError("InvalidParameterValue", state.RESERVED_EC2_MESSAGE)
                )
            )
        return orig_call_action(self)

    EC2Response.call_action = call_action
