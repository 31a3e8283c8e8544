"""The few places where pydantic 1.10 and 2.x differ, behind one name each."""

from typing import Any, Dict, Type, TypeVar

import pydantic
from pydantic import BaseModel

PYDANTIC_V2 = int(pydantic.VERSION.split(".", 1)[0]) >= 2

M = TypeVar("M", bound=BaseModel)


def parse(model: Type[M], data: Any) -> M:
    """Validate decoded JSON into ``model``."""
    if PYDANTIC_V2:
        return model.model_validate(data)  # type: ignore[attr-defined,no-any-return]
    return model.parse_obj(data)


def dump(instance: BaseModel) -> Dict[str, Any]:
    """The model as JSON-ready data (datetimes as ISO strings)."""
    if PYDANTIC_V2:
        return instance.model_dump(mode="json")  # type: ignore[attr-defined,no-any-return]
    import json

    return json.loads(instance.json())  # type: ignore[no-any-return]


def field_requirements(model: Type[BaseModel]) -> Dict[str, bool]:
    """Each field's name and whether it is required."""
    if PYDANTIC_V2:
        return {name: info.is_required() for name, info in model.model_fields.items()}  # type: ignore[attr-defined]
    return {name: field.required for name, field in model.__fields__.items()}  # type: ignore[attr-defined]
