import { AppError, registerErrorStatus } from '@engram/common';

/**
 * Why an extraction failed. Not HTTP errors: extraction runs in a job, and the code is what the
 * job's status shows. `retryable` tells the job whether another attempt can succeed.
 */
export class ExtractionError extends Error {
  constructor(
    readonly code: 'extractor_unreachable' | 'extractor_timeout' | 'extractor_http_error' | 'extractor_output_invalid',
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}

export class JobNotFoundError extends AppError {
  readonly code = 'job_not_found';
}

export class ExtractionMessagesNotFoundError extends AppError {
  readonly code = 'messages_not_found';
}

registerErrorStatus({ job_not_found: 404, messages_not_found: 404 });
