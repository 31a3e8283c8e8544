'use strict';
/** A single pg connection for the ops scripts' SQL modes. */
const { BadInputError, CliError, EXIT, UnreachableError } = require('./cli');

/** Socket-level failures mean "could not reach Postgres" (exit 3), not a failed query. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isUnreachable(error) {
  return UNREACHABLE_CODES.has(error.code) || /timeout|terminated unexpectedly/i.test(String(error.message));
}

/** Wraps a pg error for output; the message carries no connection string. */
function databaseError(error, doing) {
  if (isUnreachable(error)) {
    return new UnreachableError(`Postgres is unreachable while ${doing}: ${error.code || error.message}`);
  }
  return new CliError(EXIT.FAILURE, 'database_error', `Postgres failed while ${doing}: ${error.message}`, {
    sqlstate: error.code,
  });
}

/**
 * Connects to DATABASE_URL. `timeoutMs` bounds both the connection and every statement, so a
 * locked table cannot hang a cron run forever.
 */
async function connect(databaseUrl, timeoutMs) {
  if (!databaseUrl) {
    throw new BadInputError('DATABASE_URL is not set');
  }
  const { Client } = require('pg');
  const client = new Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    application_name: 'engram-ops',
  });
  // An idle connection dropped by the server emits 'error'; unhandled, it would crash the script.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw databaseError(error, 'connecting');
  }
  return client;
}

/** Runs `work(client)` on a fresh connection and always closes it. */
async function withDatabase(databaseUrl, timeoutMs, doing, work) {
  const client = await connect(databaseUrl, timeoutMs);
  try {
    return await work(client);
  } catch (error) {
    throw error instanceof CliError ? error : databaseError(error, doing);
  } finally {
    await client.end().catch(() => {});
  }
}

module.exports = { withDatabase };
