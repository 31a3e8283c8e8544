import type { Attributes, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A route that matched nothing: its path is whatever the caller typed, so it is not kept. */
export const UNMATCHED_ROUTE = 'unmatched';

/** SQL string literals (`'…'`, quotes doubled inside); the app's values travel as $n parameters. */
const SQL_LITERAL = /'(?:[^']|'')*'/g;
/** Quoted values inside error messages: `invalid input syntax for type uuid: "…"`. */
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

const STATEMENT_ATTRIBUTES = ['db.statement', 'db.query.text'];
/** Concrete paths and queries hold pin keys, memory ids, tenant ids: replaced by the route. */
const PATH_ATTRIBUTES = ['http.target', 'url.path'];
const URL_ATTRIBUTES = ['http.url', 'url.full'];
const DROPPED_ATTRIBUTES = [
  'url.query',
  'net.peer.ip',
  'net.sock.peer.addr',
  'client.address',
  'network.peer.address',
  'http.client_ip',
];

export function scrubSql(statement: string): string {
  return statement.replace(SQL_LITERAL, "'?'");
}

export function scrubMessage(message: string): string {
  return message.replace(QUOTED, '?');
}

/**
 * What leaves the process is checked once, here, whatever instrumentation made the span: SQL
 * without its literals (the tenant id is one, in `set_config`), HTTP spans with the route
 * pattern instead of the concrete path and query, no caller addresses, and error messages
 * without the quoted values they may echo.
 */
export function scrubSpan(span: ReadableSpan): void {
  const attributes = span.attributes as Attributes;
  for (const name of STATEMENT_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === 'string') {
      attributes[name] = scrubSql(value);
    }
  }
  const route = typeof attributes['http.route'] === 'string' ? attributes['http.route'] : undefined;
  for (const name of PATH_ATTRIBUTES) {
    if (name in attributes) {
      attributes[name] = route ?? withoutQuery(String(attributes[name]), span.kind);
    }
  }
  for (const name of URL_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === 'string') {
      attributes[name] = rewriteUrl(value, route, span.kind);
    }
  }
  for (const name of DROPPED_ATTRIBUTES) {
    delete attributes[name];
  }
  if (span.status.message !== undefined) {
    (span.status as { message?: string }).message = scrubMessage(span.status.message);
  }
  for (const event of span.events) {
    const message = event.attributes?.['exception.message'];
    if (typeof message === 'string') {
      (event.attributes as Attributes)['exception.message'] = scrubMessage(message);
    }
  }
}

/** SpanKind.SERVER is 1: an incoming path is replaced whole when no route matched it. */
function withoutQuery(path: string, kind: number): string {
  return kind === 1 ? UNMATCHED_ROUTE : path.split('?')[0];
}

function rewriteUrl(value: string, route: string | undefined, kind: number): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${route ?? withoutQuery(url.pathname, kind)}`;
  } catch {
    return route ?? UNMATCHED_ROUTE;
  }
}

/** Wraps the exporting processor so that every span is scrubbed before it is handed over. */
export class ScrubbingSpanProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    scrubSpan(span);
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
