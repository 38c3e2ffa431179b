"""OpenAPI descriptions of our authentication classes (imported by AccountsConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'API-sleutel, als "Token <sleutel>"',
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.twofactor.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


ERROR_RESPONSES: dict[str, str] = {
    "400": "Ongeldige invoer: {errors: {veld: [melding, …]}}",
    "401": "Niet aangemeld",
    "404": "Bestaat niet, of valt buiten uw bereik (nooit 403)",
    "409": "Past niet bij de huidige toestand",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "detail": {"type": "string"},
    },
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: document CONTRACT.md's error answers everywhere.

    Every operation can answer 401 (anonymous) and 404 (outside the caller's scope or role);
    one that takes input can answer 400, one that changes state 409. Without these, clients
    (and the schemathesis run in tests/security) would see them as undocumented.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = ["401", "404"]
            if operation.get("requestBody") or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            ):
                codes.append("400")
            if method != "get":
                codes += ["400", "409"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_RESPONSES[code],
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                            }
                        },
                    },
                )
    return result
