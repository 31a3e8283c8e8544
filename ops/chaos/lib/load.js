'use strict';
/**
 * A steady write and read load through the HTTP API with an API key, as an agent platform
 * sends it: pin upserts, memory writes (each queues an embedding job for the sentence model),
 * and reads of what was acknowledged before. Every request carries a marker and a timeout, and
 * every answer is kept (status, error code, Retry-After, latency), so the experiment can say
 * which requests failed and how, and check afterwards that every acknowledged write is there.
 */
const { randomBytes } = require('node:crypto');
const { sleep } = require('./deployment');

/** No request may take longer than this; one that does is counted as a hang. */
const REQUEST_TIMEOUT_MS = 10_000;
const NAMESPACE = 'chaos';

async function http(base, method, path, { token, body, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const started = Date.now();
  const headers = { accept: 'application/json' };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  try {
    const response = await fetch(base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      code: response.status >= 400 ? (json && json.error && json.error.code) || 'no_code' : undefined,
      retryAfter: response.headers.get('retry-after'),
      body: json,
      ms: Date.now() - started,
    };
  } catch (error) {
    const timedOut = error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      status: 0,
      code: timedOut ? 'timeout' : `transport:${(error.cause && error.cause.code) || error.message}`,
      retryAfter: null,
      body: undefined,
      ms: Date.now() - started,
    };
  }
}

/** A tenant of the run's own, with rate limits out of the way (the load is not a rate-limit test), and its key. */
async function setupTenant(deployment) {
  const tenant = `chaos-${randomBytes(4).toString('hex')}`;
  const admin = { token: deployment.adminToken };
  const created = await http(deployment.base, 'POST', '/api/v1/admin/tenants', {
    ...admin,
    body: { id: tenant, name: 'chaos experiment', quotas: { requests_per_minute: 10_000_000 } },
  });
  if (created.status !== 201) {
    throw new Error(`creating the tenant answered ${created.status} ${created.code}`);
  }
  const key = await http(deployment.base, 'POST', `/api/v1/admin/tenants/${tenant}/api-keys`, {
    ...admin,
    body: { name: 'chaos load', role: 'machine' },
  });
  if (key.status !== 201) {
    throw new Error(`creating the API key answered ${key.status} ${key.code}`);
  }
  const namespace = await http(deployment.base, 'POST', '/api/v1/namespaces', {
    ...admin,
    body: { tenant_id: tenant, name: NAMESPACE },
  });
  if (namespace.status !== 201) {
    throw new Error(`creating the namespace answered ${namespace.status} ${namespace.code}`);
  }
  return { tenant, key: key.body.key, model: namespace.body.embedding_model };
}

/**
 * Starts `clients` loops; returns { stop(): Promise<outcomes>, outcomes, phase(name) }.
 * Operations rotate: pin upsert, memory write, pin read, memory read (of acknowledged ones).
 */
function startLoad(deployment, tenant, { clients = 4, pauseMs = 25 } = {}) {
  const outcomes = [];
  const ackedPins = [];
  const ackedMemories = [];
  let phase = 'before';
  let running = true;
  let next = 0;
  const call = (method, path, body) => http(deployment.base, method, path, { token: tenant.key, body });

  async function one() {
    const n = next++;
    const op = ['pin_upsert', 'memory_create', 'pin_get', 'memory_get'][n % 4];
    const outcome = { n, op, phase, at: Date.now() };
    let answer;
    if (op === 'pin_upsert') {
      outcome.marker = `p-${n}`;
      answer = await call('POST', '/api/v1/memory/pins', { key: outcome.marker, value: { n } });
      if (answer.status === 200 || answer.status === 201) {
        ackedPins.push({ key: outcome.marker, value: { n } });
      }
    } else if (op === 'memory_create') {
      outcome.marker = `m-${n}`;
      const content = `chaos note ${outcome.marker}: the agent recorded observation number ${n}`;
      answer = await call('POST', '/api/v1/memories', { namespace: NAMESPACE, content });
      if (answer.status === 201 || answer.status === 200) {
        ackedMemories.push({ id: answer.body.id, content, marker: outcome.marker });
      }
    } else if (op === 'pin_get') {
      const pin = ackedPins[Math.floor(Math.random() * ackedPins.length)];
      if (!pin) {
        return;
      }
      outcome.marker = pin.key;
      answer = await call('GET', `/api/v1/memory/pins/${encodeURIComponent(pin.key)}`);
      if (answer.status === 200 && answer.body.value.n !== pin.value.n) {
        answer = { ...answer, status: 0, code: 'wrong_value' };
      }
    } else {
      const memory = ackedMemories[Math.floor(Math.random() * ackedMemories.length)];
      if (!memory) {
        return;
      }
      outcome.marker = memory.marker;
      answer = await call('GET', `/api/v1/memories/${memory.id}`);
      if (answer.status === 200 && answer.body.content !== memory.content) {
        answer = { ...answer, status: 0, code: 'wrong_content' };
      }
    }
    outcome.status = answer.status;
    outcome.code = answer.code;
    outcome.retryAfter = answer.retryAfter;
    outcome.ms = answer.ms;
    outcomes.push(outcome);
    return answer;
  }

  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const answer = await one();
      // A refused or failed request is retried by a real client after a pause; so is this one.
      await sleep(answer && answer.status >= 200 && answer.status < 300 ? pauseMs : 100);
    }
  });

  return {
    outcomes,
    ackedPins,
    ackedMemories,
    setPhase(name) {
      phase = name;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

module.exports = { http, setupTenant, startLoad, NAMESPACE, REQUEST_TIMEOUT_MS };
