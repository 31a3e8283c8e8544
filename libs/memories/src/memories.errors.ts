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

registerErrorStatus({
  memory_not_found: 404,
  relation_target_not_found: 404,
  content_too_large: 413,
  duplicate_content: 409,
  namespace_not_found: 404,
  namespace_exists: 409,
});
