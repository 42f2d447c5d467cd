"""Shared emulator state: transition times, the call log, helpers."""

import threading
import time
from datetime import datetime, timezone
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID

lock = threading.RLock()

# notDisabledSeconds: for this long after a distribution reads Deployed,
# DeleteDistribution still answers 409 DistributionNotDisabled, as AWS is seen
# to do just after a disable finishes deploying (0: off).
# notFoundAfterCreateSeconds: for this long after a create, reads of the new
# resource answer NotFound, as eventually consistent AWS APIs can (0: off).
# canonicalSetOrder: set-valued lists of a distribution config come back in a
# canonical order, not the request's (cloudfront_config.py).
# natRequireInternetGateway: a public NAT gateway in a VPC without an attached internet gateway fails
# Gateway.NotAttached, as in AWS (off by default: most fixtures make VPCs without one).
# iamEnforce: every AWS call is checked against the caller's IAM policies
# (iam.py); /ackless/reset puts it back to its start value (--iam).
CONFIG_DEFAULTS: dict[str, bool] = {
    "canonicalSetOrder": True,
    "natRequireInternetGateway": False,
    "iamEnforce": False,
    # functionTagsOnCreate false: CreateFunction carrying Tags is refused with 409, as CloudFront did from
    # late April 2026 (cloudformation-coverage-roadmap #2508); tags then go through TagResource.
    "functionTagsOnCreate": True,
}
config: dict[str, float] = {
    **CONFIG_DEFAULTS,
    "deploySeconds": 0.0,
    "natSeconds": 0.0,
    # Elastic IPs per public NAT gateway: the default quota (adjustable in AWS by a quota request)
    "natEipQuota": 2.0,
    "notDisabledSeconds": 0.0,
    "notFoundAfterCreateSeconds": 0.0,
    # CloudFront KeyValueStore PROVISIONING -> READY (cloudfront_kvs.py).
    "kvsSeconds": 0.0,
    # The compute time a CloudFront function may use in TestFunction: ComputeUtilization
    # is the share of it the handler used; a handler still running at this limit fails
    # (cloudfront_function_test.py).
    "functionTimeLimitMs": 100.0,
}

# What a full reset (POST /ackless/reset {"settings": true}) puts back: the
# config the emulator started with (its flags, else the defaults above).
_start_config: dict[str, float] = dict(config)


def remember_start_config() -> None:
    """Records the current config as the start config (after the flags are applied)."""
    _start_config.clear()
    _start_config.update(config)


def restore_start_config() -> None:
    config.clear()
    config.update(_start_config)


_calls: list[dict[str, Any]] = []
_calls_lock = threading.Lock()


def now() -> float:
    """Monotonic clock used for every status transition."""
    return time.monotonic()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def deploy_seconds() -> float:
    return float(config["deploySeconds"])


def not_disabled_seconds() -> float:
    return float(config["notDisabledSeconds"])


def nat_seconds() -> float:
    return float(config["natSeconds"])


def kvs_seconds() -> float:
    return float(config["kvsSeconds"])


def function_time_limit_ms() -> float:
    return float(config["functionTimeLimitMs"])


def not_found_after_create_seconds() -> float:
    return float(config["notFoundAfterCreateSeconds"])


def record_call(entry: dict[str, Any]) -> None:
    with _calls_lock:
        _calls.append(entry)


def list_calls() -> list[dict[str, Any]]:
    with _calls_lock:
        return [dict(c) for c in _calls]


def reset_calls() -> None:
    with _calls_lock:
        _calls.clear()


def account_id() -> str:
    return DEFAULT_ACCOUNT_ID


def is_reserved_key(key: Any) -> bool:
    return isinstance(key, str) and key.lower().startswith("aws:")


RESERVED_EC2_MESSAGE = "Tag keys starting with 'aws:' are reserved for internal use"
