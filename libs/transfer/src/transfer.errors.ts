/**
 * Failures an operator fixes (exit code 2 in the CLI): a line that is not a record, a file from
 * another format or version, an unknown tenant or namespace, rows the database refuses.
 */
export class TransferInputError extends Error {
  override readonly name = 'TransferInputError';

  constructor(
    message: string,
    /** The 1-based line of the input the error is about, when there is one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** The tenant to export from or import into does not exist (or is being erased). */
export class TransferTenantError extends Error {
  override readonly name = 'TransferTenantError';
}
