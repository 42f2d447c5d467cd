"""The CloudFront KeyValueStore data plane (`cloudfront-keyvaluestore`, API 2022-07-26, rest-json).

docs/aws-contract.md, "CloudFront KeyValueStores". moto has no such service: the
front (control.py) hands every request signed for `cloudfront-keyvaluestore`
to handle() here. The keys live on the control plane's store object
(cloudfront_kvs.KeyValueStore), found by the ARN in the path.

* Requests must be signed with SigV4A (Authorization AWS4-ECDSA-P256-SHA256,
  scope .../cloudfront-keyvaluestore/aws4_request, an X-Amz-Region-Set header):
  anything else is 403 AccessDeniedException. The signature itself is not
  verified (moto verifies none). The Host's first label must be the ARN's
  account, as the SDK's endpoint rules build it ({account}.<endpoint host>).
* Unknown ARN: 404 ResourceNotFoundException. A store still PROVISIONING: 409
  ConflictException.
* PutKey, DeleteKey and UpdateKeys need IfMatch = the store's data ETag
  (DescribeKeyValueStore of this API, or the last write's answer): missing or
  stale is 400 ValidationException ("Pre-Condition failed ..."). Every write
  that changes something answers a new ETag; deleting a key that is not there
  changes nothing and answers the same ETag.
* GetKey of a missing key: 404 ResourceNotFoundException.
* Quotas: a key is 1 to 512 bytes, a key and its value at most 1 KB together
  (400 ValidationException); a store at most 5 MB (402 ServiceQuotaExceededException).
* UpdateKeys is all or nothing; a key both put and deleted is 400 ValidationException;
  more than 50 keys (Puts and Deletes together) is 400 ValidationException.
* ListKeys: keys in order, MaxResults 1-50 (default 10), NextToken.
"""

import json
import re
import uuid
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, unquote

from moto.cloudfront.models import random_id

from . import state

Json = dict[str, Any]
SERVICE = "cloudfront-keyvaluestore"
MAX_KEY_BYTES = 512
MAX_ITEM_BYTES = 1024
MAX_STORE_BYTES = 5 * 1024 * 1024
# A quota of 50 keys (or a 3 MB payload) per UpdateKeys (terraform-provider-aws, keys_exclusive max_batch_size).
MAX_KEYS_PER_UPDATE = 50
_ARN = re.compile(r"^arn:aws:cloudfront::(\d{12}):key-value-store/([0-9a-fA-F-]{36})$")
# Set by cloudfront_kvs.install(): off, requests for the service go to moto (which has none).
enabled = False

_STATUS_TEXT = {200: "OK", 400: "Bad Request", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}


class KvsError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _validation(message: str) -> KvsError:
    return KvsError(400, "ValidationException", message)


def _path_segments(environ: Json) -> list[str]:
    """The request path split on '/', each segment percent-decoded on its own (an ARN or a key may hold %2F)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    raw = raw.split("?", 1)[0]
    if "://" in raw:  # an absolute request-target
        raw = "/" + raw.split("://", 1)[1].split("/", 1)[-1]
    return [unquote(s) for s in raw.split("/")[1:]]


def route(environ: Json) -> tuple[str, str | None, str | None]:
    """(operation, KvsARN, Key) of a data-plane request; operation '' when no operation matches."""
    method = environ.get("REQUEST_METHOD", "GET")
    seg = _path_segments(environ)
    if len(seg) < 2 or seg[0] != "key-value-stores":
        return "", None, None
    arn = seg[1]
    rest = seg[2:]
    if rest == [] and method == "GET":
        return "DescribeKeyValueStore", arn, None
    if rest == ["keys"]:
        return {"GET": "ListKeys", "POST": "UpdateKeys"}.get(method, ""), arn, None
    if len(rest) == 2 and rest[0] == "keys":
        return {"GET": "GetKey", "PUT": "PutKey", "DELETE": "DeleteKey"}.get(method, ""), arn, rest[1]
    return "", arn, None


def operation_name(environ: Json) -> str | None:
    """For the call log (control.describe_operation)."""
    return route(environ)[0] or None


def _check_signature(environ: Json, arn_account: str | None) -> None:
    auth = environ.get("HTTP_AUTHORIZATION") or ""
    if not auth.startswith("AWS4-ECDSA-P256-SHA256 "):
        raise KvsError(403, "AccessDeniedException", "CloudFront KeyValueStore requests must be signed with SigV4A (AWS4-ECDSA-P256-SHA256).")
    scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/aws4_request", auth)
    if not scope or scope.group(1) != SERVICE:
        raise KvsError(403, "AccessDeniedException", f"The SigV4A credential scope must name the service {SERVICE}.")
    if not environ.get("HTTP_X_AMZ_REGION_SET"):
        raise KvsError(403, "AccessDeniedException", "A SigV4A request needs an X-Amz-Region-Set header.")
    host = (environ.get("HTTP_HOST") or "").split(":", 1)[0]
    if arn_account is not None and host.split(".", 1)[0] != arn_account:
        raise KvsError(
            400,
            "ValidationException",
            f"The request's host {host} is not this store's account endpoint ({arn_account}.<endpoint>).",
        )


def _store(arn: str) -> Any:
    from moto.cloudfront.models import cloudfront_backends

    from .cloudfront_kvs import READY, by_arn

    m = _ARN.match(arn)
    if not m:
        raise _validation(f"KvsARN {arn} is not a key value store ARN.")
    kvs = by_arn(cloudfront_backends[m.group(1)]["aws"], arn)
    if kvs is None:
        raise KvsError(404, "ResourceNotFoundException", f"Key value store {arn} does not exist.")
    if kvs.status() != READY:
        raise KvsError(409, "ConflictException", f"Key value store {arn} is not ready yet (PROVISIONING).")
    return kvs


def _size(items: dict[str, str]) -> int:
    return sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in items.items())


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise _validation("Key must be a non-empty string.")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise _validation(f"Key {key[:40]}... is longer than {MAX_KEY_BYTES} bytes.")
    return key


def _check_put(key: Any, value: Any) -> tuple[str, str]:
    key = _check_key(key)
    if not isinstance(value, str):
        raise _validation(f"The value of key {key} must be a string.")
    if len(key.encode("utf-8")) + len(value.encode("utf-8")) > MAX_ITEM_BYTES:
        raise _validation(f"Key {key} and its value are more than {MAX_ITEM_BYTES} bytes together.")
    return key, value


def _check_if_match(environ: Json, kvs: Any) -> None:
    if_match = environ.get("HTTP_IF_MATCH")
    if not if_match or if_match != kvs.data_etag:
        raise _validation("Pre-Condition failed during update of Key-Value-Store: IfMatch is missing or not the store's current ETag.")


def _write(kvs: Any, items: dict[str, str]) -> tuple[Json, dict[str, str]]:
    """Commits items (all or nothing) and answers ItemCount, TotalSizeInBytes and the ETag."""
    if items != kvs.items:
        if _size(items) > MAX_STORE_BYTES:
            raise KvsError(402, "ServiceQuotaExceededException", f"A key value store holds at most {MAX_STORE_BYTES} bytes.")
        kvs.items = items
        kvs.data_etag = random_id(length=14)
        kvs.data_modified = state.utcnow()
    return {"ItemCount": len(kvs.items), "TotalSizeInBytes": _size(kvs.items)}, {"ETag": kvs.data_etag}


def _body(environ: Json) -> Json:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise _validation("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise _validation("The request body must be a JSON object.")
    return body


def _epoch(dt: Any) -> float:
    return dt.timestamp()


def _handle(environ: Json) -> tuple[Json, dict[str, str]]:
    operation, arn, key = route(environ)
    if not operation or arn is None:
        raise KvsError(404, "ResourceNotFoundException", f"No CloudFront KeyValueStore operation at {environ.get('PATH_INFO')}.")
    m = _ARN.match(arn)
    _check_signature(environ, m.group(1) if m else None)  # a malformed ARN: ValidationException from _store
    with state.lock:
        kvs = _store(arn)
        if operation == "DescribeKeyValueStore":
            return (
                {
                    "ItemCount": len(kvs.items),
                    "TotalSizeInBytes": _size(kvs.items),
                    "KvsARN": kvs.arn,
                    "Created": _epoch(kvs.created),
                    "LastModified": _epoch(kvs.data_modified),
                    "Status": kvs.status(),
                },
                {"ETag": kvs.data_etag},
            )
        if operation == "GetKey":
            if key not in kvs.items:
                raise KvsError(404, "ResourceNotFoundException", f"Key {key} was not found.")
            return {"Key": key, "Value": kvs.items[key], "ItemCount": len(kvs.items), "TotalSizeInBytes": _size(kvs.items)}, {}
        if operation == "ListKeys":
            return _list_keys(environ, kvs), {}
        body = _body(environ)
        _check_if_match(environ, kvs)
        items = dict(kvs.items)
        if operation == "PutKey":
            k, v = _check_put(key, body.get("Value"))
            items[k] = v
        elif operation == "DeleteKey":
            items.pop(_check_key(key), None)
        else:  # UpdateKeys
            puts = body.get("Puts") or []
            deletes = body.get("Deletes") or []
            if not isinstance(puts, list) or not isinstance(deletes, list):
                raise _validation("Puts and Deletes must be lists.")
            if len(puts) + len(deletes) > MAX_KEYS_PER_UPDATE:
                raise _validation(f"UpdateKeys takes at most {MAX_KEYS_PER_UPDATE} keys (Puts and Deletes together) per request.")
            put_keys = [_check_put(p.get("Key") if isinstance(p, dict) else None, p.get("Value") if isinstance(p, dict) else None) for p in puts]
            delete_keys = [_check_key(d.get("Key") if isinstance(d, dict) else None) for d in deletes]
            both = sorted({k for k, _ in put_keys} & set(delete_keys))
            if both:
                raise _validation(f"Keys both put and deleted in one request: {', '.join(both)}.")
            for k in delete_keys:
                items.pop(k, None)
            for k, v in put_keys:
                items[k] = v
        return _write(kvs, items)


def _list_keys(environ: Json, kvs: Any) -> Json:
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    try:
        limit = int(query.get("MaxResults", ["10"])[0])
    except ValueError:
        raise _validation("MaxResults must be an integer.") from None
    if not 1 <= limit <= 50:
        raise _validation("MaxResults must be between 1 and 50.")
    keys = sorted(kvs.items)
    token = query.get("NextToken", [None])[0]
    start = 0
    if token:
        # NextToken is opaque to clients: here the last key of the previous page.
        try:
            after = json.loads(unquote(token))["after"]
        except (ValueError, KeyError, TypeError):
            raise _validation("NextToken is not valid.") from None
        start = next((i for i, k in enumerate(keys) if k > after), len(keys))
    page = keys[start : start + limit]
    out: Json = {"Items": [{"Key": k, "Value": kvs.items[k]} for k in page]}
    if start + limit < len(keys):
        out["NextToken"] = json.dumps({"after": page[-1]})
    return out


def handle(environ: Json, start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The WSGI answer to one data-plane request."""
    rid = str(uuid.uuid4())
    try:
        payload, headers = _handle(environ)
        status = 200
    except KvsError as e:
        status, payload = e.status, {"message": e.message, "Message": e.message}
        headers = {"x-amzn-ErrorType": e.code}
    body = json.dumps(payload).encode("utf-8")
    start_response(
        f"{status} {_STATUS_TEXT.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("x-amzn-RequestId", rid), ("Content-Length", str(len(body)))]
        + list(headers.items()),
    )
    return [body]
