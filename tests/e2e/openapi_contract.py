"""Checks real HTTP responses against the OpenAPI document `docs/openapi.yaml`.

Any end-to-end test can hold a response to the contract:

    from openapi_contract import check_response
    r = requests.get(f"{node.url}/api/session", headers=bearer(token))
    body = check_response("GET", "/api/session", r)   # raises ContractViolation on drift

`check_response` raises when the status code is not listed for the operation, when a
required header is missing or malformed, when a JSON response lacks
`Content-Type: application/json; charset=utf-8`, or when the body does not validate
against the documented schema (JSON Schema 2020-12, `$ref`s resolved in the document).
Every call records the operation in `exercised`, so a suite can show it reached them all.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# The document is registered under this URI so that its own "#/components/..." references
# resolve wherever a schema inside it is validated from.
_DOCUMENT_URI = "urn:tessera:openapi"

exercised: set[tuple[str, str]] = set()
"""(METHOD, path template) of every operation `check_response` has seen."""


class ContractViolation(AssertionError):
    """A response (or a request body) that the document does not allow."""


@functools.cache
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def operations() -> set[tuple[str, str]]:
    """Every (METHOD, path template) the document describes."""
    return {
        (method.upper(), path)
        for path, item in load_spec()["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def unexercised_operations() -> list[tuple[str, str]]:
    return sorted(operations() - exercised)


def check_response(method: str, path_template: str, response: Any) -> Any:
    """Holds `response` (a `requests.Response` or anything with `status_code`, `headers`,
    `content`) to the operation `method path_template`. Returns the parsed JSON body, the
    text of a text body, or None for an empty one."""
    method = method.upper()
    pointer = _operation_pointer(method, path_template)
    _check_request_target(method, path_template, response)
    exercised.add((method, path_template))
    where = f"{method} {path_template} -> {response.status_code}"
    responses = _node(pointer + "/responses")
    status = str(response.status_code)
    if status not in responses:
        raise ContractViolation(
            f"{where}: status not documented (documented: {', '.join(sorted(responses))}); "
            f"body: {_snippet(response)}"
        )
    return _check_against(_escape_join(pointer + "/responses", status), response, where)


def check_component_response(name: str, response: Any) -> Any:
    """Holds `response` to `components.responses.<name>`: for answers that belong to no
    operation, such as `NotFound` for an unknown path or `MethodNotAllowed`."""
    pointer = _escape_join("/components/responses", name)
    _node(pointer)
    return _check_against(pointer, response, f"{name} -> {response.status_code}")


def check_request_body(method: str, path_template: str, body: Any) -> None:
    """Holds a JSON request body a test sends to the documented request schema, so tests
    and document cannot drift apart on the request side either."""
    pointer = _operation_pointer(method.upper(), path_template)
    operation = _node(pointer)
    if "requestBody" not in operation:
        raise ContractViolation(f"{method} {path_template} documents no request body")
    body_pointer, _ = _resolve(pointer + "/requestBody")
    schema_pointer = _escape_join(body_pointer + "/content", "application/json") + "/schema"
    _validate(schema_pointer, body, f"request body of {method} {path_template}")


def _check_against(response_pointer: str, response: Any, where: str) -> Any:
    response_pointer, documented = _resolve(response_pointer)
    for name in documented.get("headers", {}):
        _check_header(_escape_join(response_pointer + "/headers", name), name, response, where)
    content = documented.get("content")
    if not content:
        if response.content:
            raise ContractViolation(f"{where}: documented without a body, got {_snippet(response)}")
        return None
    content_type = response.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in content:
        raise ContractViolation(
            f"{where}: Content-Type {content_type!r}, documented: {', '.join(content)}"
        )
    schema_pointer = _escape_join(response_pointer + "/content", media_type) + "/schema"
    if media_type == "application/json":
        if _normalise_media_type(content_type) != _normalise_media_type(JSON_CONTENT_TYPE):
            raise ContractViolation(f"{where}: Content-Type {content_type!r}, want {JSON_CONTENT_TYPE!r}")
        try:
            body = json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ContractViolation(f"{where}: body is not UTF-8 JSON ({error}): {_snippet(response)}")
    else:
        body = response.content.decode("utf-8")
    _validate(schema_pointer, body, where)
    return body


def _check_header(header_pointer: str, name: str, response: Any, where: str) -> None:
    header_pointer, header = _resolve(header_pointer)
    value = response.headers.get(name)
    if value is None:
        if header.get("required"):
            raise ContractViolation(f"{where}: required header {name} is missing")
        return
    schema_pointer, schema = _resolve(header_pointer + "/schema")
    if schema.get("type") == "integer":
        try:
            value = int(value)
        except ValueError:
            raise ContractViolation(f"{where}: header {name}: {value!r} is not an integer")
    _validate(schema_pointer, value, f"{where}: header {name}")


def _validate(schema_pointer: str, instance: Any, where: str) -> None:
    errors = sorted(_validator(schema_pointer).iter_errors(instance), key=lambda e: e.path)
    if errors:
        details = "; ".join(
            f"at {e.json_path}: {e.message}" for e in errors[:5]
        )
        raise ContractViolation(f"{where}: {details}\ninstance: {json.dumps(instance)[:2000]}")


@functools.cache
def _validator(schema_pointer: str) -> Draft202012Validator:
    reference = _DOCUMENT_URI + "#" + quote(schema_pointer, safe="/~")
    return Draft202012Validator({"$ref": reference}, registry=_registry(), format_checker=_FORMATS)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource(_DOCUMENT_URI, DRAFT202012.create_resource(load_spec()))


# Our own date-time check: jsonschema's checks date-time only when an optional package
# happens to be installed, and would otherwise let any string through silently.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_FORMATS = FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


def _operation_pointer(method: str, path_template: str) -> str:
    item = load_spec()["paths"].get(path_template)
    if item is None or method.lower() not in item:
        raise ContractViolation(f"{method} {path_template} is not an operation of {SPEC_PATH.name}")
    return _escape_join(_escape_join("/paths", path_template), method.lower())


def _check_request_target(method: str, path_template: str, response: Any) -> None:
    """Catches a test that checks a response against the wrong operation."""
    request = getattr(response, "request", None)
    if request is None or not getattr(request, "url", None):
        return
    path = urlsplit(request.url).path
    pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path_template)) + "$"
    if request.method.upper() != method or not re.match(pattern, path):
        raise ContractViolation(
            f"response to {request.method} {path} checked as {method} {path_template}"
        )


def _resolve(pointer: str) -> tuple[str, dict[str, Any]]:
    """The node at `pointer`, following local `$ref`s, with the pointer it was found at."""
    node = _node(pointer)
    while isinstance(node, dict) and "$ref" in node:
        reference = node["$ref"]
        if not reference.startswith("#/"):
            raise ContractViolation(f"only local references are supported: {reference}")
        pointer = reference[1:]
        node = _node(pointer)
    return pointer, node


def _node(pointer: str) -> Any:
    node: Any = load_spec()
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, ValueError):
            raise ContractViolation(f"{SPEC_PATH.name} has nothing at {pointer}")
    return node


def _escape_join(pointer: str, key: str) -> str:
    return pointer + "/" + key.replace("~", "~0").replace("/", "~1")


def _normalise_media_type(value: str) -> str:
    return ";".join(part.strip().lower() for part in value.split(";"))


def _snippet(response: Any) -> str:
    return repr(response.content[:300])
