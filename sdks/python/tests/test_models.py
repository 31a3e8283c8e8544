"""The models agree with openapi.json: models.py is what the generator writes today, and every
class has the fields (and required fields) of the schema it comes from."""

import importlib.util
import json
import os
from pathlib import Path
from typing import Any, Dict, Set, Tuple

import pytest

import engram_client
from engram_client import _compat, models

SDK_ROOT = Path(__file__).resolve().parent.parent
SPEC = json.loads((SDK_ROOT.parent.parent / "openapi.json").read_text(encoding="utf-8"))
SCHEMAS = SPEC["components"]["schemas"]


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_models", SDK_ROOT / "scripts" / "generate_models.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_models_py_is_what_the_generator_writes_from_openapi_json() -> None:
    generated = load_generator().generate()
    committed = (SDK_ROOT / "src" / "engram_client" / "models.py").read_text(encoding="utf-8")
    assert committed == generated, "models.py is stale: run python3 sdks/python/scripts/generate_models.py"


def resolve(path: str) -> Dict[str, Any]:
    """The schema at a SCHEMA_PATHS path such as "AssembledContext.skipped[]"."""
    name, *rest = path.replace("[]", ".[]").replace("{}", ".{}").split(".")
    schema = SCHEMAS[name]
    for part in rest:
        if part == "[]":
            schema = schema["items"]
        elif part == "{}":
            schema = schema["additionalProperties"]
        else:
            schema = schema["properties"][part]
        schema = schema["allOf"][0] if "allOf" in schema else schema
    return schema


def fields_of(schema: Dict[str, Any]) -> Tuple[Set[str], Set[str]]:
    """(every field, the required ones); for an anyOf, required means required by every member."""
    members = schema["anyOf"] if "anyOf" in schema else [schema]
    names: Set[str] = set()
    required = set(members[0].get("required", []))
    for member in members:
        names |= set(member.get("properties", {}))
        required &= set(member.get("required", []))
    return names, required


@pytest.mark.parametrize("name", sorted(models.SCHEMA_PATHS))
def test_each_model_has_its_schemas_fields_and_required_fields(name: str) -> None:
    names, required = fields_of(resolve(models.SCHEMA_PATHS[name]))
    fields = _compat.field_requirements(getattr(models, name))
    assert set(fields) == names
    assert {field for field, is_required in fields.items() if is_required} == required


def test_every_object_schema_has_a_model() -> None:
    object_schemas = {name for name, schema in SCHEMAS.items() if name != "JsonValue"}
    assert object_schemas <= set(models.SCHEMA_PATHS.values())


MEMORY = {
    "id": "3f0c8a4e-1d2b-4c5a-9e8f-0a1b2c3d4e5f",
    "tenant_id": "acme",
    "namespace": "notes",
    "content": "hello",
    "type": "semantic",
    "metadata": {"nested": {"list": [1, "two", None, True]}},
    "tags": ["a"],
    "importance": 0.5,
    "provenance": {"source": None, "actor": "key:1", "created_by_key": None},
    "embedding_status": "some-future-status",
    "access_count": 0,
    "last_accessed_at": None,
    "expires_at": None,
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
    "user_id": "alice",
    "agent_id": None,
    "session_id": None,
    "occurred_at": "2026-01-01T09:00:00.000Z",
    "state": "active",
    "superseded_by": None,
    "superseded_at": None,
    "supersedes": None,
    "a_field_added_later": 1,
}


def test_a_memory_parses_and_dumps_back_with_unknown_fields_and_enum_values_tolerated() -> None:
    memory = _compat.parse(models.Memory, MEMORY)
    assert memory.created_at.year == 2026 and memory.created_at.tzinfo is not None
    assert memory.metadata == {"nested": {"list": [1, "two", None, True]}}
    dumped = _compat.dump(memory)
    assert "a_field_added_later" not in dumped
    assert dumped["embedding_status"] == "some-future-status"
    assert _compat.parse(models.Memory, dumped) == memory


def test_a_response_without_a_required_field_does_not_parse() -> None:
    broken = {key: value for key, value in MEMORY.items() if key != "last_accessed_at"}
    with pytest.raises(Exception) as caught:
        _compat.parse(models.Memory, broken)
    assert "last_accessed_at" in str(caught.value)


def test_the_package_under_test_is_the_one_asked_for() -> None:
    located = Path(engram_client.__file__).resolve()
    from_source = SDK_ROOT / "src" in located.parents
    assert from_source != (os.environ.get("ENGRAM_CLIENT_INSTALLED") == "1"), located
