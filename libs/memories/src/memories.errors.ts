import { AppError, registerErrorStatus } from '@engram/common';

export class MemoryNotFoundError extends AppError {
  readonly code = 'memory_not_found';
}

export class RelationTargetNotFoundError extends AppError {
  readonly code = 'relation_target_not_found';
}

export class ContentTooLargeError extends AppError {
  readonly code = 'content_too_large';
}

export class DuplicateContentError extends AppError {
  readonly code = 'duplicate_content';
}

export class NamespaceNotFoundError extends AppError {
  readonly code = 'namespace_not_found';
}

export class NamespaceExistsError extends AppError {
  readonly code = 'namespace_exists';
}

/** The memory to supersede is superseded already (or was, a moment ago, by a concurrent request). */
export class MemoryAlreadySupersededError extends AppError {
  readonly code = 'memory_already_superseded';
}

/** `supersedes` names no live memory of this tenant. */
export class SupersedeTargetNotFoundError extends AppError {
  readonly code = 'supersede_target_not_found';
}

/** A memory supersedes only a memory of its own namespace. */
export class SupersedeNamespaceMismatchError extends AppError {
  readonly code = 'supersede_namespace_mismatch';
}

registerErrorStatus({
  memory_already_superseded: 409,
  supersede_target_not_found: 404,
  supersede_namespace_mismatch: 409,
  memory_not_found: 404,
  relation_target_not_found: 404,
  content_too_large: 413,
  duplicate_content: 409,
  namespace_not_found: 404,
  namespace_exists: 409,
});
