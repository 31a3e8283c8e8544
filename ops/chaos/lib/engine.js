'use strict';
/**
 * One experiment against a running deployment: steady load, the fault for a bounded time (always
 * undone, whatever happens), the time to serving again, then the checks: which requests failed
 * and how, nothing acknowledged lost (read back over the API), an audit row for every
 * acknowledged write, every acknowledged memory's embedding in a final state.
 */
const { http, setupTenant, startLoad, NAMESPACE, REQUEST_TIMEOUT_MS } = require('./load');
const { sleep, until } = require('./deployment');

const WARMUP_MS = 1500;
const AFTER_RECOVERY_MS = 500;

/** Serving: ready, and a pin and a memory written through the API. Returns the memory's id. */
async function probe(deployment, tenant, n) {
  const call = (method, path, body) =>
    http(deployment.base, method, path, { token: tenant.key, body, timeoutMs: 3000 });
  const ready = await http(deployment.base, 'GET', '/ready', { timeoutMs: 3000 });
  if (ready.status !== 200) {
    return null;
  }
  const pin = await call('POST', '/api/v1/memory/pins', { key: `probe-${n}`, value: n });
  if (pin.status !== 200 && pin.status !== 201) {
    return null;
  }
  const memory = await call('POST', '/api/v1/memories', {
    namespace: NAMESPACE,
    content: `chaos probe ${n} written to check that the service is serving again`,
  });
  return memory.status === 201 || memory.status === 200 ? memory.body.id : null;
}

async function embeddingStatus(deployment, tenant, ids) {
  const rows = await deployment.postgres.query(
    `SELECT embedding_status AS status, count(*)::int AS n FROM memories
     WHERE tenant_id = $1 AND id = ANY($2::uuid[]) GROUP BY 1`,
    [tenant.tenant, ids],
  );
  const counts = { ready: 0, failed: 0, pending: 0 };
  for (const row of rows) {
    counts[row.status] = row.n;
  }
  counts.missing = ids.length - counts.ready - counts.failed - counts.pending;
  return counts;
}

/** Every page of a list route, through the API (what a client would see). */
async function listAll(deployment, tenant, path, field) {
  const items = [];
  let cursor;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await http(
      deployment.base,
      'GET',
      `${path}${sep}limit=${field === 'pins' ? 1000 : 200}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: tenant.key },
    );
    if (answer.status !== 200) {
      throw new Error(`reading back ${path} answered ${answer.status} ${answer.code}`);
    }
    items.push(...answer.body[field]);
    if (!answer.body.has_more) {
      return items;
    }
    cursor = answer.body.next_cursor;
  }
}

function tally(outcomes, predicate) {
  const counts = {};
  for (const o of outcomes.filter(predicate)) {
    const label = o.status === 0 ? o.code : `${o.status} ${o.code}`;
    counts[label] = (counts[label] || 0) + 1;
  }
  return counts;
}

/**
 * @returns {Promise<object>} the summary; `ok` false and `problems` listed when a check failed.
 */
async function runExperiment(deployment, experiment, { onNote = () => {}, loadClients = 4 } = {}) {
  const started = Date.now();
  const notes = [];
  const note = (text) => {
    const line = `+${((Date.now() - started) / 1000).toFixed(1)}s ${text}`;
    notes.push(line);
    onNote(line);
  };
  const problems = [];
  const tenant = await setupTenant(deployment);
  const load = startLoad(deployment, tenant, { clients: loadClients });
  let faultEnded;
  let recoveryS = null;
  let embeddingRecoveryS = null;
  try {
    await sleep(WARMUP_MS);
    load.setPhase('fault');
    note(`fault: ${experiment.fault}`);
    try {
      await experiment.inject(deployment, note);
    } finally {
      // Undone whatever happened inside inject (a no-op when inject already did it).
      await experiment.restore(deployment);
      faultEnded = Date.now();
      load.setPhase('after');
    }
    let n = 0;
    const probeId = await until(() => probe(deployment, tenant, n++), experiment.recoveryBoundS * 1000 + 5000, 100);
    if (probeId) {
      recoveryS = (Date.now() - faultEnded) / 1000;
      note(`serving again after ${recoveryS.toFixed(1)} s`);
      const embedded = await until(
        async () => (await embeddingStatus(deployment, tenant, [probeId])).ready === 1,
        experiment.embeddingBoundS * 1000,
        100,
      );
      if (embedded) {
        embeddingRecoveryS = (Date.now() - faultEnded) / 1000;
        note(`new memories embedded again after ${embeddingRecoveryS.toFixed(1)} s`);
      }
    }
    await sleep(AFTER_RECOVERY_MS);
  } finally {
    await load.stop();
  }
  const outcomes = load.outcomes;

  // Which requests failed, and whether the documented behaviour allows it.
  const isOk = (o) => o.status >= 200 && o.status < 300;
  const allowed = (o) =>
    experiment.allowed.some(
      (a) => a.status === o.status && a.code === o.code && (!a.retryAfter || Number(o.retryAfter) > 0),
    );
  const failedByCode = tally(outcomes, (o) => !isOk(o));
  const unexpected = tally(outcomes, (o) => !isOk(o) && !allowed(o));
  if (Object.keys(unexpected).length) {
    problems.push(`answers the documented behaviour does not allow: ${JSON.stringify(unexpected)}`);
  }
  const maxLatencyMs = Math.max(0, ...outcomes.map((o) => o.ms));
  if (maxLatencyMs >= REQUEST_TIMEOUT_MS) {
    problems.push(`a request took ${maxLatencyMs} ms (timeout ${REQUEST_TIMEOUT_MS} ms): a hang`);
  }
  const crashed = deployment.crashed();
  if (crashed.length) {
    problems.push(`process died by itself: ${crashed.join(', ')}`);
  }
  if (recoveryS === null) {
    problems.push(`not serving again within ${experiment.recoveryBoundS} s of the fault's end`);
  } else if (recoveryS > experiment.recoveryBoundS) {
    problems.push(`serving again after ${recoveryS.toFixed(1)} s, bound ${experiment.recoveryBoundS} s`);
  }
  if (recoveryS !== null && embeddingRecoveryS === null) {
    problems.push(`a memory written after recovery was not embedded within ${experiment.embeddingBoundS} s`);
  }

  // Nothing acknowledged is lost: read everything back through the API.
  const pins = new Map(
    (await listAll(deployment, tenant, '/api/v1/memory/pins?prefix=p-', 'pins')).map((p) => [p.key, p]),
  );
  const lostPins = load.ackedPins.filter((p) => !pins.has(p.key) || pins.get(p.key).value.n !== p.value.n);
  const memories = new Map(
    (await listAll(deployment, tenant, `/api/v1/memories?namespace=${NAMESPACE}`, 'memories')).map((m) => [m.id, m]),
  );
  const lostMemories = load.ackedMemories.filter(
    (m) => !memories.has(m.id) || memories.get(m.id).content !== m.content,
  );
  const lost = lostPins.length + lostMemories.length;
  if (lost) {
    problems.push(
      `acknowledged writes missing after recovery: ${lostPins.length} pins (${lostPins.slice(0, 5).map((p) => p.key)}), ${lostMemories.length} memories`,
    );
  }

  // An audit row for every acknowledged write (audit is written before the response is sent).
  const auditRows = await deployment.postgres.query(
    `SELECT operation, key FROM memory_audit WHERE tenant_id = $1 AND operation IN ('upsert', 'memory_create')`,
    [tenant.tenant],
  );
  const audited = new Set(auditRows.map((row) => `${row.operation}:${row.key}`));
  const missingAudit = [
    ...load.ackedPins.filter((p) => !audited.has(`upsert:${p.key}`)).map((p) => p.key),
    ...load.ackedMemories.filter((m) => !audited.has(`memory_create:${m.id}`)).map((m) => m.marker),
  ];
  if (missingAudit.length) {
    problems.push(`acknowledged writes without an audit row: ${missingAudit.length} (${missingAudit.slice(0, 5)})`);
  }

  // Every acknowledged memory's embedding ends ready or failed; none stays pending.
  const ids = load.ackedMemories.map((m) => m.id);
  const embeddingDeadline = (faultEnded || Date.now()) + experiment.embeddingBoundS * 1000;
  let embeddings = await embeddingStatus(deployment, tenant, ids);
  while (embeddings.pending > 0 && Date.now() < embeddingDeadline) {
    await sleep(250);
    embeddings = await embeddingStatus(deployment, tenant, ids);
  }
  if (embeddings.pending > 0) {
    problems.push(
      `${embeddings.pending} acknowledged memories still pending an embedding ${experiment.embeddingBoundS} s after the fault`,
    );
  }
  if (embeddings.failed > 0) {
    problems.push(`${embeddings.failed} acknowledged memories' embeddings failed`);
  }

  const during = outcomes.filter((o) => o.phase === 'fault');
  return {
    experiment: experiment.name,
    fault: experiment.fault,
    expect: experiment.expect,
    ok: problems.length === 0,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    requests: outcomes.length,
    requests_during_fault: during.length,
    acknowledged: { pins: load.ackedPins.length, memories: load.ackedMemories.length },
    failed: failedByCode,
    unexpected,
    lost,
    audit_missing: missingAudit.length,
    embeddings: { ready: embeddings.ready, failed: embeddings.failed, pending: embeddings.pending },
    recovery_s: recoveryS,
    embeddings_recovered_s: embeddingRecoveryS,
    max_latency_ms: maxLatencyMs,
    p99_during_fault_ms: percentile(
      during.map((o) => o.ms),
      0.99,
    ),
    timeline: notes,
    problems,
  };
}

function percentile(values, p) {
  if (!values.length) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

module.exports = { runExperiment };
