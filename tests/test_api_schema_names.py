"""The OpenAPI document names each body and answer once: no two schemas share a name, so
every operation documents its own fields (two `VersionOut`s used to overwrite each other)."""

from __future__ import annotations

import types
import typing

from django.test import Client
from pydantic import BaseModel

from ecabinet.api import api


def _models_in(annotation, found: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            _models_in(arg, found)


def _documented_models() -> set[type[BaseModel]]:
    """Every model an operation reads or answers, with the models inside them."""
    found: set[type[BaseModel]] = set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models_in(model, found)
                for model in operation.response_models.values():
                    _models_in(model, found)
    # ninja's own wrappers (the parameters of one operation, the answer of one status) are
    # inlined, never named components.
    return {model for model in found if not model.__module__.startswith("ninja")}


def test_every_schema_name_belongs_to_one_class():
    by_name: dict[str, set[str]] = {}
    for model in _documented_models():
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: classes for name, classes in by_name.items() if len(classes) > 1}
    assert shared == {}


def _schema() -> dict:
    return Client().get("/api/openapi.json").json()


def _fields(schema: dict, ref_or_schema: dict) -> set[str]:
    if "$ref" in ref_or_schema:
        name = ref_or_schema["$ref"].rsplit("/", 1)[-1]
        ref_or_schema = schema["components"]["schemas"][name]
    return set(ref_or_schema["properties"])


def _body(schema: dict, path: str, method: str = "post") -> set[str]:
    content = schema["paths"][path][method]["requestBody"]["content"]
    media = content.get("application/json") or content["multipart/form-data"]
    return _fields(schema, media["schema"])


def _answer(schema: dict, path: str, status: str, method: str = "post") -> set[str]:
    response = schema["paths"][path][method]["responses"][status]
    return _fields(schema, response["content"]["application/json"]["schema"])


def test_each_operation_documents_its_own_body(db):
    schema = _schema()
    assert {"title", "duration_minutes"} <= _body(schema, "/api/meetings/{meeting_id}/items")
    assert {"body_id", "subject", "draft_ids"} <= _body(schema, "/api/ballots")
    assert {"choice", "client_id"} <= _body(schema, "/api/votes/{vote_id}/ballot")
    assert {"step", "pin"} == _body(schema, "/api/minutes/{minutes_id}/sign")
    assert "kind" in _body(schema, "/api/papers/{paper_id}/versions/{number}/sign")
    assert {"content", "based_on"} == _body(schema, "/api/minutes/{minutes_id}/drafts")
    assert {"body_id", "deadline", "file"} <= _body(schema, "/api/drafts")
    assert "answers" in _body(schema, "/api/drafts/{draft_id}/versions")
    assert "answers" not in _body(schema, "/api/papers/{paper_id}/versions")


def test_each_operation_documents_its_own_answer(db):
    schema = _schema()
    paper_version = _answer(schema, "/api/papers/{paper_id}/versions", "201")
    draft_version = _answer(schema, "/api/drafts/{draft_id}/versions", "201")
    assert "uploaded_by" not in paper_version
    assert {"uploaded_by", "has_source"} <= draft_version
    paper = _answer(schema, "/api/papers/{paper_id}", "200", method="get")
    assert {"meeting_id", "versions"} <= paper
