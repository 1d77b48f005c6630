"""The OpenAPI schema says what the API really does: the errors every endpoint can give.

`error_responses` (a drf-spectacular postprocessing hook, SPECTACULAR_SETTINGS) adds to every
operation the error statuses the shared machinery answers with, each with its JSON shape
(itsm/api/errors.py, itsm/web/errors.py): 401/403 where a sign-in is needed, 404 where the
path names an object, 400 where there is input to refuse, 415 for a body in a type the
endpoint does not read, 409 for a write that lost a race, 503 while the database is down.
It also documents request bodies as the JSON they are (form encodings only where files
go up, where an empty value is how a form says null), times as the `HH:MM[:SS]` strings
the API reads and writes, and that an empty optional query parameter means "not given"
(but not an empty item of a list: `?status=` is not a status).
"""

import copy

from drf_spectacular.openapi import AutoSchema

DETAIL = {"$ref": "#/components/schemas/ErrorDetail"}
FIELDS = {"$ref": "#/components/schemas/FieldErrors"}
COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
        "description": "Every error but invalid input: what went wrong, for people.",
    },
    "FieldErrors": {
        "type": "object",
        "additionalProperties": {},
        "description": 'Invalid input: field → messages, e.g. {"title": ["This field is '
                       'required."]}; nested fields nest; `non_field_errors` or `detail` '
                       "for the whole request.",
    },
}
ERRORS = {
    "400": ("Invalid input: field → messages, for every field in error.", FIELDS),
    "401": ("No credentials, or a token that is not (or no longer) valid.", DETAIL),
    "403": ("Signed in, but this role may not do this (or the session's CSRF token is "
            "missing).", DETAIL),
    "404": ("No such object, or not yours to see.", DETAIL),
    "409": ("The change conflicts with one saved at the same time: reload and retry.", DETAIL),
    "415": ("The request body is in a media type this endpoint does not read.", DETAIL),
    "503": ("The database is briefly unreachable: retry after `Retry-After` seconds.",
            DETAIL),
}
WRITES = {"post", "put", "patch"}
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
        "example": "09:30"}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"},
                               "description": "Seconds to wait before retrying."}}


def _codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["503"]
    if any(operation.get("security") or []):  # [{}] means "no sign-in needed"
        codes += ["401", "403"]
    params = [p for p in operation.get("parameters", []) if p.get("in") in ("query", "path")]
    if "{" in path or any(p["name"] == "page" for p in params):  # "Invalid page." is a 404
        codes.append("404")
    if params or "requestBody" in operation:
        codes.append("400")
    if "requestBody" in operation:
        codes.append("415")
    if method in WRITES:
        codes.append("409")
    return codes


def _has_files(schema_node, components: dict, seen=None) -> bool:
    seen = seen or set()
    if isinstance(schema_node, dict):
        ref = schema_node.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            return _has_files(components.get(name, {}), components, seen | {name})
        if schema_node.get("format") == "binary":
            return True
        return any(_has_files(v, components, seen) for v in schema_node.values())
    if isinstance(schema_node, list):
        return any(_has_files(v, components, seen) for v in schema_node)
    return False


def _json_bodies(operation: dict, components: dict) -> None:
    """A body with a JSON form documents only that: form encodings cannot say null, nested
    lists or objects the way the serializers mean them (file uploads keep multipart)."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return
    for media in FORMS:
        if media in content and not _has_files(content[media].get("schema"), components):
            del content[media]
    for media in FORMS:
        if media in content:
            content[media]["schema"] = _form_schema(content[media]["schema"], components)


def _body_required(operation: dict, components: dict) -> None:
    """A body whose schema asks for one key or another (anyOf) cannot be left out."""
    body = operation.get("requestBody")
    if not body or body.get("required"):
        return
    for media in body.get("content", {}).values():
        name = media.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        if "anyOf" in components.get(name, {}):
            body["required"] = True


def _form_schema(schema: dict, components: dict) -> dict:
    """The form variant of a body: a form has no null, and DRF reads an empty value of a
    nullable id (or other nullable field) as null, so that is what the form sends."""
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if name not in components:
        return schema
    form_name = name.removesuffix("Request") + "FormRequest"
    if form_name not in components:
        form = copy.deepcopy(components[name])
        for prop, node in form.get("properties", {}).items():
            if node.pop("nullable", False):
                outer = {k: node.pop(k) for k in ("description", "readOnly", "writeOnly")
                         if k in node}
                form["properties"][prop] = {**outer, "anyOf": [
                    node, {"type": "string", "maxLength": 0}]}
        components[form_name] = form
    return {"$ref": f"#/components/schemas/{form_name}"}


def _times(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            for key, value in TIME.items():
                node.setdefault(key, value)
        for value in node.values():
            _times(value)
    elif isinstance(node, list):
        for value in node:
            _times(value)


def error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        components.setdefault(name, schema)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _json_bodies(operation, components)
            _body_required(operation, components)
            for parameter in operation.get("parameters", []):
                # Filters read an empty value (`?team=`, as forms send it) as "not given".
                if (parameter.get("in") == "query" and not parameter.get("required")
                        and parameter.get("schema", {}).get("type") != "array"):
                    parameter.setdefault("allowEmptyValue", True)
            responses = operation["responses"]
            for code in _codes(path, method, operation):
                description, schema = ERRORS[code]
                response = responses.setdefault(code, {"description": description})
                response.setdefault("description", description)
                response.setdefault("content", {"application/json": {"schema": schema}})
                if code == "503":
                    response.setdefault("headers", RETRY_AFTER)
    _times(result)
    return result


class SingleObjectSchema(AutoSchema):
    """For a `list` action that answers one object (figures, not a collection)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
