'use strict';
/**
 * What the ops scripts share on the command line: exit codes, typed failures, argument and
 * environment parsing, and output that never carries a secret.
 */
const { parseArgs } = require('node:util');

/** Cron and callers branch on these; keep them stable. */
const EXIT = Object.freeze({ OK: 0, FAILURE: 1, BAD_INPUT: 2, UNREACHABLE: 3, VERIFY_FAILED: 4 });

class CliError extends Error {
  /**
   * @param {number} exitCode
   * @param {string} kind machine-readable failure kind for --json output
   * @param {string} message
   * @param {Record<string, unknown>} [details]
   */
  constructor(exitCode, kind, message, details) {
    super(message);
    this.exitCode = exitCode;
    this.kind = kind;
    this.details = details;
  }
}

class BadInputError extends CliError {
  constructor(message, details) {
    super(EXIT.BAD_INPUT, 'bad_input', message, details);
  }
}

class UnreachableError extends CliError {
  constructor(message, details) {
    super(EXIT.UNREACHABLE, 'unreachable', message, details);
  }
}

class VerificationError extends CliError {
  constructor(message, details) {
    super(EXIT.VERIFY_FAILED, 'verification_failed', message, details);
  }
}

/** The API answered, but not with success (4xx, or 5xx/429 after the retries ran out). */
class ApiError extends CliError {
  constructor(message, details) {
    super(EXIT.FAILURE, 'api_error', message, details);
  }
}

/** node:util parseArgs, strict, with its complaints turned into exit code 2. */
function parseCli(argv, options) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new BadInputError(error.message);
  }
}

/**
 * A number from a flag or an environment variable. `raw` undefined or '' gives the fallback;
 * anything else must be a finite number within [min, max].
 */
function parseNumber(raw, name, { fallback, min, max, integer = false }) {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BadInputError(
      `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (got "${raw}")`,
    );
  }
  return value;
}

/** An http(s) base URL without a trailing slash, so API paths can be appended. */
function parseBaseUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new BadInputError(`--base must be an http:// or https:// URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`--base must be an http:// or https:// URL (got "${raw}")`);
  }
  if (url.username || url.password) {
    throw new BadInputError('--base must not carry credentials; put the token in ENGRAM_TOKEN');
  }
  return url.toString().replace(/\/+$/, '');
}

/** Every secret string (and, for URLs, their password part) is replaced before anything prints. */
function redactor(secrets) {
  const needles = [];
  for (const secret of secrets) {
    if (!secret) {
      continue;
    }
    needles.push(secret);
    try {
      const password = decodeURIComponent(new URL(secret).password);
      if (password) {
        needles.push(password);
      }
    } catch {
      // not a URL: the whole string is the secret
    }
  }
  needles.sort((a, b) => b.length - a.length);
  return (text) => needles.reduce((out, needle) => out.split(needle).join('***'), text);
}

/**
 * Runs a script's main and turns its outcome into output and an exit code.
 *
 * main(context) gets { argv, env, report, say, warn, json }: `report` is the --json
 * document it fills in as it goes (printed even when it fails half-way, so a machine sees what
 * was done); `say` prints human lines (silent under --json); `warn` goes to stderr.
 */
async function runCli(name, usage, main) {
  const argv = process.argv.slice(2);
  const env = process.env;
  const json = argv.includes('--json');
  const redact = redactor([env.ENGRAM_TOKEN, env.DATABASE_URL]);
  const report = {};
  const context = {
    argv,
    env,
    json,
    report,
    say(line) {
      if (!json) {
        process.stdout.write(`${redact(line)}\n`);
      }
    },
    warn(line) {
      process.stderr.write(`${name}: ${redact(line)}\n`);
    },
  };
  // A reader that stops early (`| head`) is not a failure of the run.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') {
      throw error;
    }
  });
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  let exitCode = EXIT.OK;
  let failure;
  try {
    await main(context);
  } catch (error) {
    failure =
      error instanceof CliError
        ? error
        : new CliError(EXIT.FAILURE, 'internal_error', error instanceof Error ? error.message : String(error));
    exitCode = failure.exitCode;
  }
  if (json) {
    const document = { ok: exitCode === EXIT.OK, exit_code: exitCode, ...report };
    if (failure) {
      document.error = { kind: failure.kind, message: failure.message, ...failure.details };
    }
    process.stdout.write(`${redact(JSON.stringify(document))}\n`);
  } else if (failure) {
    process.stderr.write(`${name}: error: ${redact(failure.message)}\n`);
    if (failure.exitCode === EXIT.BAD_INPUT) {
      process.stderr.write(`${name}: try --help\n`);
    }
  }
  process.exitCode = exitCode;
}

module.exports = {
  EXIT,
  CliError,
  BadInputError,
  UnreachableError,
  VerificationError,
  ApiError,
  parseCli,
  parseNumber,
  parseBaseUrl,
  redactor,
  runCli,
};
