import { createHmac } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { scrubMessage, scrubSpan, scrubSql } from './privacy';
import { configureTenantAttribute, tenantAttribute } from './tenant';

function span(kind: SpanKind, attributes: Record<string, string | number>, message?: string): ReadableSpan {
  return {
    kind,
    attributes: { ...attributes },
    status: { code: message === undefined ? 0 : 2, ...(message === undefined ? {} : { message }) },
    events: message === undefined ? [] : [{ name: 'exception', attributes: { 'exception.message': message } }],
  } as unknown as ReadableSpan;
}

describe('what a span may carry', () => {
  it('SQL keeps its shape and parameters, loses its literals (quotes doubled inside included)', () => {
    expect(scrubSql("BEGIN; SELECT set_config('app.tenant_id', 'acme', true); SET LOCAL x = 'it''s'")).toBe(
      "BEGIN; SELECT set_config('?', '?', true); SET LOCAL x = '?'",
    );
    expect(scrubSql('SELECT * FROM pins WHERE tenant_id = $1 AND key = $2')).toBe(
      'SELECT * FROM pins WHERE tenant_id = $1 AND key = $2',
    );
  });

  it('a server span has the route for its path and URL, no query and no caller address', () => {
    const server = span(SpanKind.SERVER, {
      'http.route': '/api/v1/memory/pins/*',
      'url.path': '/api/v1/memory/pins/secret:key',
      'http.target': '/api/v1/memory/pins/secret:key?tenant_id=acme',
      'url.full': 'http://host:8080/api/v1/memory/pins/secret:key?tenant_id=acme',
      'url.query': 'tenant_id=acme',
      'client.address': '10.1.2.3',
      'db.statement': "SELECT 'acme'",
    });
    scrubSpan(server);
    expect(server.attributes).toEqual({
      'http.route': '/api/v1/memory/pins/*',
      'url.path': '/api/v1/memory/pins/*',
      'http.target': '/api/v1/memory/pins/*',
      'url.full': 'http://host:8080/api/v1/memory/pins/*',
      'db.statement': "SELECT '?'",
    });
    const unmatched = span(SpanKind.SERVER, { 'url.path': '/whatever/acme' });
    scrubSpan(unmatched);
    expect(unmatched.attributes['url.path']).toBe('unmatched');
    const client = span(SpanKind.CLIENT, { 'url.full': 'http://models:9000/v1/embeddings?key=abc' });
    scrubSpan(client);
    expect(client.attributes['url.full']).toBe('http://models:9000/v1/embeddings');
  });

  it('error messages lose the values they quote', () => {
    const failed = span(SpanKind.CLIENT, {}, 'invalid input syntax for type uuid: "acme-1"');
    scrubSpan(failed);
    expect(failed.status.message).toBe('invalid input syntax for type uuid: ?');
    expect(failed.events[0].attributes?.['exception.message']).toBe('invalid input syntax for type uuid: ?');
    expect(scrubMessage("duplicate key 'x'")).toBe('duplicate key ?');
  });

  it('the tenant: a keyed hash, the id itself, or nothing', () => {
    configureTenantAttribute({ mode: 'hashed', key: 'k'.repeat(16) });
    expect(tenantAttribute('acme')).toBe(
      createHmac('sha256', 'k'.repeat(16)).update('acme').digest('hex').slice(0, 16),
    );
    expect(tenantAttribute('acme')).not.toBe(createHmac('sha256', '').update('acme').digest('hex').slice(0, 16));
    configureTenantAttribute({ mode: 'hashed' });
    const first = tenantAttribute('acme');
    configureTenantAttribute({ mode: 'hashed' });
    expect(tenantAttribute('acme')).not.toBe(first);
    configureTenantAttribute({ mode: 'plain' });
    expect(tenantAttribute('acme')).toBe('acme');
    configureTenantAttribute({ mode: 'off' });
    expect(tenantAttribute('acme')).toBeUndefined();
    expect(tenantAttribute(null)).toBeUndefined();
  });
});
