"""What the API's OpenAPI document says beyond each operation's own schemas.

Some errors follow from an operation's shape rather than from its code: every operation that
needs a sign-in can answer 401; every one that names a case, item, bundle, upload or letter in
its path answers 404 to a stranger (never 403: a stranger must not learn that it exists) and
403 to a member whose role falls short; every one that takes parameters or a body answers 400
when they do not fit. `document_errors` writes those into the document, so each operation lists
the errors it can really give without every decorator repeating them. Errors that only some
operations give (409, 410, 411, 413, 415, 429) stay in those operations' own `response`."""

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "error": {"title": "Error", "type": "string", "description": "What went wrong, in the caller's language"},
        "code": {"title": "Code", "type": "string", "description": "A stable machine-readable code"},
    },
    "required": ["error", "code"],
}
GENERIC = {
    400: "The parameters or the body do not fit the schema (`code`: invalid)",
    401: "Not signed in, or the token is unknown or expired (`code`: unauthenticated)",
    403: "Your role in this case does not allow this, or a lawyer has not given the second factor (`code`: forbidden)",
    404: "No such object, or not yours: strangers learn nothing more (`code`: not_found)",
}


def binary_response(media_type: str, description: str, status: int = 200) -> dict:
    """`openapi_extra` for an operation that answers with a file rather than JSON."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {status: {"description": description, "content": content}}}


def _errors_for(operation: dict) -> list[int]:
    params = operation.get("parameters", [])
    errors = []
    if params or "requestBody" in operation:
        errors.append(400)
    if operation.get("security"):
        errors.append(401)
    if any(p.get("in") == "path" for p in params):
        errors += [403, 404]
    return errors


def document_errors(schema: dict) -> dict:
    """Add the errors each operation can give by its shape (see the module's docstring) to `schema`."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault("ErrorOut", ERROR_SCHEMA)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # ninja keys the responses by number, so these are too (JSON makes both strings).
            responses = operation.setdefault("responses", {})
            for status in _errors_for(operation):
                if status not in responses and str(status) not in responses:
                    content = {"application/json": {"schema": ERROR_REF}}
                    responses[status] = {"description": GENERIC[status], "content": content}
    return schema
