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
