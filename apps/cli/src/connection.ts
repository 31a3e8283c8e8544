import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_BASE_URL, EngramClient, EngramError, JsonValue, NetworkError } from '@engram-memory/sdk';

/**
 * What every data command shares: where the server is, the credential, the tenant, the output
 * format, and how a failure becomes an exit code. One SDK client per command run.
 */
export const EXIT_USAGE = 2;
/** The server answered with an error (4xx, 5xx): the message names its code and request id. */
export const EXIT_API = 3;
/** The server could not be reached, or did not answer in time, after the retries. */
export const EXIT_UNREACHABLE = 4;

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  unexpected failure
  2  bad usage or configuration (unknown command or option, a value that does not parse;
     serve/api/worker: bad environment, a port or data directory in use)
  3  the server answered with an error (4xx/5xx; stderr shows its code and request id)
  4  the server could not be reached or did not answer in time (data commands)
  5  restore: the restored database does not match the backup's manifest`;

export interface ConnectionOptions {
  server: string;
  token?: string;
  tenant?: string;
  timeout: number;
  json?: boolean;
}

export function positiveInt(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new InvalidArgumentError('must be a whole number ≥ 0');
  }
  return number;
}

export function fraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError('must be a number');
  }
  return number;
}

export function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function json(value: string): JsonValue {
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    throw new InvalidArgumentError(`not JSON (a string needs its quotes: '"text"')`);
  }
}

export function jsonObject(value: string): Record<string, JsonValue> {
  const parsed = json(value);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError('must be a JSON object');
  }
  return parsed;
}

/** Adds the connection options to a command that talks to the server. */
export function connected(command: Command): Command {
  return command
    .addOption(new Option('--server <url>', 'the Engram server').env('ENGRAM_URL').default(DEFAULT_BASE_URL))
    .addOption(
      new Option('--token <token>', 'an API key, a JWT or the admin token (sent as Bearer)').env('ENGRAM_TOKEN'),
    )
    .addOption(
      new Option('--tenant <id>', 'act for this tenant (operators; a tenant key acts for its own)').env(
        'ENGRAM_TENANT',
      ),
    )
    .addOption(
      new Option('--timeout <seconds>', 'per request').env('ENGRAM_TIMEOUT').default(30).argParser(positiveInt),
    )
    .option('--json', 'print JSON (the API objects) instead of a table');
}

export function clientFor(options: ConnectionOptions): EngramClient {
  return new EngramClient({
    baseUrl: options.server,
    token: options.token || undefined,
    tenantId: options.tenant || undefined,
    timeoutMs: options.timeout * 1000,
    retry: { retries: 2, maxDelayMs: 5000 },
  });
}

function describe(error: EngramError): string {
  if (error instanceof NetworkError) {
    return `engram: ${error.message}`;
  }
  const where = [`HTTP ${error.status}`, error.requestId ? `request id ${error.requestId}` : undefined]
    .filter(Boolean)
    .join(', ');
  const details = Object.keys(error.details).length ? `\n  details: ${JSON.stringify(error.details)}` : '';
  return `engram: ${error.message} (${where})${details}`;
}

/**
 * The action of a data command: the client from the command's options, and the SDK's errors as
 * exit codes (3: the server said no; 4: no server). Usage errors are commander's (exit 2).
 */
export function action<A extends unknown[]>(
  run: (client: EngramClient, options: ConnectionOptions & Record<string, unknown>, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.opts<ConnectionOptions & Record<string, unknown>>();
    const positional = args.slice(0, -2) as A;
    try {
      await run(clientFor(options), options, ...positional);
    } catch (error) {
      if (error instanceof EngramError) {
        process.stderr.write(`${describe(error)}\n`);
        process.exitCode = error instanceof NetworkError ? EXIT_UNREACHABLE : EXIT_API;
        return;
      }
      throw error;
    }
  };
}
