"""Small builders of OpenAPI objects, shared by the modules that write the API description.

``webapp.openapi`` assembles the document; ``openapi_analysis`` (facets,
significant terms, entity pages) and ``openapi_features`` (compare, feeds,
batch, exports) contribute their endpoints with the same builders.
"""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def closed(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these properties, all required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def error(description: str) -> dict[str, Any]:
    """A response in the error envelope."""
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def html(description: str) -> dict[str, Any]:
    """An HTML page response."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query-string parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
