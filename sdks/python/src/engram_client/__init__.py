"""Python client for Engram, the memory service for AI agents.

from engram_client import Engram

engram = Engram()  # $ENGRAM_URL and $ENGRAM_TOKEN
engram.remember("The user prefers metric units", "agent-1", create_namespace=True)
print(engram.context("which units?", "agent-1").text)
"""

from . import models
from ._base import UNSET, __version__
from ._compat import PYDANTIC_V2
from ._operations import MemoryInput, RelationInput
from .async_client import AsyncEngram
from .client import Engram
from .errors import (
    AuthError,
    ConflictError,
    EngramConnectionError,
    EngramError,
    EngramTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnavailableError,
    ValidationError,
)
from .models import (
    ApiKey,
    AssembledContext,
    ContextBlock,
    CreatedApiKey,
    CreatedMemory,
    Memory,
    MemoryBatchResult,
    Namespace,
    Pin,
    RelatedMemory,
    SearchResult,
    SearchResults,
    Tenant,
    TenantUsage,
)

__all__ = [
    "PYDANTIC_V2",
    "UNSET",
    "ApiKey",
    "AssembledContext",
    "AsyncEngram",
    "AuthError",
    "ConflictError",
    "ContextBlock",
    "CreatedApiKey",
    "CreatedMemory",
    "Engram",
    "EngramConnectionError",
    "EngramError",
    "EngramTimeoutError",
    "Memory",
    "MemoryBatchResult",
    "MemoryInput",
    "Namespace",
    "NotFoundError",
    "PermissionDeniedError",
    "Pin",
    "RateLimitedError",
    "RelatedMemory",
    "RelationInput",
    "SearchResult",
    "SearchResults",
    "ServerError",
    "Tenant",
    "TenantUsage",
    "UnavailableError",
    "ValidationError",
    "__version__",
    "models",
]
