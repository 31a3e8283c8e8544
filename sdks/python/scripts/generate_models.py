#!/usr/bin/env python3
"""Write src/engram_client/models.py from openapi.json's components.schemas.

    python3 sdks/python/scripts/generate_models.py          # rewrite models.py
    python3 sdks/python/scripts/generate_models.py --check  # exit 1 when models.py is stale

Only the standard library: it runs on any Python 3.8+. The output works with pydantic 1.10 and
2.x: plain BaseModel fields, no validators, no model_config, no ``from __future__ import
annotations`` (pydantic 1 would need forward-reference updates), classes ordered so that every
class is defined before it is used.

Choices that keep the client lenient where the server may grow:
- enums are typed ``str`` (a new status value must not break every read); the known values are
  in the field's description;
- unknown fields in a response are ignored (both pydantic versions' default);
- a field the schema requires is required, nullable or not (``Field(...)``), so a response that
  lost a field fails loudly, in both pydantic versions alike.
"""

import argparse
import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

HERE = Path(__file__).resolve().parent
SDK_ROOT = HERE.parent
DEFAULT_SPEC = SDK_ROOT.parent.parent / "openapi.json"
DEFAULT_OUT = SDK_ROOT / "src" / "engram_client" / "models.py"

# Names for inline object schemas, by "Schema.property[.property...]"; "[]" marks array items.
# An inline schema with no name here is named after its path; identical inline schemas share
# the first one's class.
INLINE_NAMES = {
    "AssembledContext.zones": "ContextZones",
    "AssembledContext.zones.critical": "ZoneUsage",
    "AssembledContext.skipped[]": "SkippedEntry",
    "Error.error": "ErrorDetail",
    "Tenant.quota_overrides": "QuotaOverrides",
    "TenantUsage.usage": "UsageCounters",
    "Readiness.info{}": "HealthCheck",
}

# BaseModel attributes a field must not shadow (either pydantic version).
RESERVED = {
    "construct",
    "copy",
    "dict",
    "fields",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
    "model_config",
    "model_fields",
    "model_computed_fields",
}

HEADER = '''"""Response models of the Engram API, generated from openapi.json (components.schemas).

Do not edit: run ``python3 sdks/python/scripts/generate_models.py``. A test fails when this file
is stale.
"""

# fmt: off
from datetime import datetime
from typing import {typing}

from pydantic import BaseModel, Field

JsonValue = Any
'''


class Generator:
    def __init__(self, schemas: Dict[str, Any]) -> None:
        self.schemas = schemas
        self.classes: Dict[str, str] = {}  # name -> source
        self.deps: Dict[str, Set[str]] = {}
        self.by_shape: Dict[str, str] = {}
        self.aliases: Dict[str, str] = {}  # schema name -> python type expression
        self.paths: Dict[str, str] = {}  # class name -> the schema path it was generated from

    # -- types -------------------------------------------------------------------------------

    def type_of(self, schema: Dict[str, Any], path: str, deps: Set[str]) -> str:
        """The Python type for a schema, without Optional (nullability is the caller's)."""
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in self.aliases:
                return self.aliases[name]
            deps.add(name)
            return name
        if "allOf" in schema:
            if len(schema["allOf"]) != 1:
                raise SystemExit(f"{path}: allOf with more than one member is not supported")
            return self.type_of(schema["allOf"][0], path, deps)
        if "anyOf" in schema:
            members = [self.type_of(m, path, deps) for m in schema["anyOf"] if not is_null(m)]
            unique = list(dict.fromkeys(members))
            return unique[0] if len(unique) == 1 else f"Union[{', '.join(unique)}]"
        kind = schema.get("type")
        if kind == "string":
            return "datetime" if schema.get("format") == "date-time" else "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            enum = schema.get("enum")
            if enum and all(isinstance(v, int) and not isinstance(v, bool) for v in enum):
                return "int"
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            return f"List[{self.type_of(schema.get('items', {}), path + '[]', deps)}]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                name = self.inline_class(schema, path)
                deps.add(name)
                return name
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"Dict[str, {self.type_of(extra, path + '{}', deps)}]"
            return "Dict[str, Any]"
        return "Any"

    def inline_class(self, schema: Dict[str, Any], path: str) -> str:
        shape = json.dumps(strip_docs(schema), sort_keys=True)
        if shape in self.by_shape:
            return self.by_shape[shape]
        name = INLINE_NAMES.get(path) or "".join(camel(part) for part in re.split(r"[.\[\]{}]+", path) if part)
        self.by_shape[shape] = name
        self.model(name, schema, path)
        return name

    # -- classes -----------------------------------------------------------------------------

    def model(self, name: str, schema: Dict[str, Any], path: str) -> None:
        if name in self.classes:
            raise SystemExit(f"{path}: class name {name} is used twice (add it to INLINE_NAMES)")
        self.classes[name] = ""  # reserve the name before nested classes are generated
        self.paths[name] = path
        if "anyOf" in schema:
            schema = merge_objects(schema["anyOf"], path)
        deps: Set[str] = set()
        lines = [f"class {name}(BaseModel):"]
        doc = schema.get("description")
        if doc:
            lines.append(f"    {pyrepr_doc(doc)}")
            lines.append("")
        required = set(schema.get("required", []))
        for field, prop in schema.get("properties", {}).items():
            if not field.isidentifier() or keyword.iskeyword(field) or field in RESERVED or field.startswith("_"):
                raise SystemExit(f"{path}.{field}: not usable as a field name")
            lines.append("    " + self.field(field, prop, field in required, f"{path}.{field}", deps))
        if len(lines) == 1:
            lines.append("    pass")
        deps.discard(name)
        self.classes[name] = "\n".join(lines)
        self.deps[name] = deps

    def field(self, field: str, prop: Dict[str, Any], required: bool, path: str, deps: Set[str]) -> str:
        annotation = self.type_of(prop, path, deps)
        nullable = prop.get("nullable", False) or any(is_null(m) for m in prop.get("anyOf", []))
        loose = nullable or annotation in ("Any", "JsonValue")
        if loose and annotation not in ("Any", "JsonValue"):
            annotation = f"Optional[{annotation}]"
        if not required and annotation not in ("Any", "JsonValue"):
            annotation = f"Optional[{annotation}]" if not annotation.startswith("Optional[") else annotation
        args = []
        if required:
            args.append("...")
        else:
            args.append("None")
        description = describe(prop)
        if description:
            args.append(f"description={json.dumps(description, ensure_ascii=False)}")
        if required and not loose and not description:
            return f"{field}: {annotation}"
        if not required and not description:
            return f"{field}: {annotation} = None"
        return f"{field}: {annotation} = Field({', '.join(args)})"

    def run(self) -> str:
        for name, schema in self.schemas.items():
            if is_alias(schema):
                self.aliases[name] = "JsonValue" if name == "JsonValue" else "Any"
        for name, schema in self.schemas.items():
            if name not in self.aliases:
                self.model(name, schema, name)
        body = "\n\n\n".join(self.ordered())
        typing = [name for name in ("Any", "Dict", "List", "Optional", "Union") if name == "Any" or f"{name}[" in body]
        return HEADER.format(typing=", ".join(typing)) + "\n\n" + body + "\n\n\n" + self.exports() + "\n"

    def ordered(self) -> List[str]:
        done: List[str] = []
        seen: Set[str] = set()

        def visit(name: str, stack: Tuple[str, ...]) -> None:
            if name in seen:
                return
            if name in stack:
                raise SystemExit(f"cycle between models: {' -> '.join(stack + (name,))}")
            for dep in sorted(self.deps.get(name, ())):
                visit(dep, stack + (name,))
            seen.add(name)
            done.append(name)

        for name in self.classes:
            visit(name, ())
        return [self.classes[name] for name in done]

    def exports(self) -> str:
        names = ["JsonValue"] + sorted(self.classes)
        body = "".join(f'    "{name}",\n' for name in names)
        paths = "".join(f'    "{name}": "{self.paths[name]}",\n' for name in sorted(self.classes))
        return (
            f"__all__ = [\n{body}]\n\n"
            "# Where each class comes from: a schema name, or the path of an inline object in one\n"
            '# ("[]": array items, "{}": map values).\n'
            f"SCHEMA_PATHS = {{\n{paths}}}"
        )


def is_null(schema: Dict[str, Any]) -> bool:
    return schema.get("enum") == [None] or schema.get("type") == "null"


def is_alias(schema: Dict[str, Any]) -> bool:
    """A schema that is no object model (JsonValue: any JSON)."""
    return "anyOf" in schema and not all(m.get("type") == "object" and m.get("properties") for m in schema["anyOf"])


def merge_objects(members: List[Dict[str, Any]], path: str) -> Dict[str, Any]:
    """One model for an anyOf of objects: a field required by every member is required."""
    properties: Dict[str, Any] = {}
    required: Optional[Set[str]] = None
    for member in members:
        for field, prop in member.get("properties", {}).items():
            if field in properties and properties[field].get("type") != prop.get("type"):
                kinds = {properties[field].get("type"), prop.get("type")}
                if kinds == {"integer", "number"}:
                    prop = {"type": "integer"}
                else:
                    raise SystemExit(f"{path}.{field}: members disagree on its type")
            properties[field] = {**properties.get(field, {}), **strip_enum(prop)}
        member_required = set(member.get("required", []))
        required = member_required if required is None else required & member_required
    return {"type": "object", "properties": properties, "required": sorted(required or ())}


def strip_enum(prop: Dict[str, Any]) -> Dict[str, Any]:
    """Members of a union pin a flag to one value each; the merged field takes any of them."""
    return {k: v for k, v in prop.items() if k != "enum"} if prop.get("type") in ("boolean", "number") else prop


def strip_docs(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: strip_docs(v) for k, v in schema.items() if k != "description"}
    if isinstance(schema, list):
        return [strip_docs(v) for v in schema]
    return schema


def describe(prop: Dict[str, Any]) -> str:
    parts = []
    if prop.get("description"):
        parts.append(prop["description"])
    enum = prop.get("enum") or (prop.get("items") or {}).get("enum")
    if enum and prop.get("type") in ("string", "array"):
        parts.append("one of: " + ", ".join(str(v) for v in enum))
    return "; ".join(parts)


def camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\W]+", text) if part)


def pyrepr_doc(text: str) -> str:
    return '"""' + text.replace('"""', "'''") + '"""'


def generate(spec_path: Path = DEFAULT_SPEC) -> str:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    return Generator(spec["components"]["schemas"]).run()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 when the output is stale")
    args = parser.parse_args(argv)
    source = generate(args.spec)
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if args.check:
        if current != source:
            print(f"{args.out} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    if current != source:
        args.out.write_text(source, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
