'use strict';
// Worker thread entry for the built-in sentence embedding (see minilm.provider.ts). Plain
// CommonJS: a worker is started from a file path, outside jest's transform and the TypeScript
// build. Messages in: { id, texts }. Messages out: { type: 'ready', loadMs } or
// { type: 'failed', error } once, then { type: 'result', id, vectors | error } per request.

const { parentPort, workerData } = require('node:worker_threads');
const { loadMiniLm } = require('./minilm-session.js');

loadMiniLm(workerData.dir, {
  threads: workerData.threads,
  batchSize: workerData.batchSize,
  precision: workerData.precision,
}).then(
  (model) => {
    parentPort.postMessage({ type: 'ready', loadMs: model.loadMs });
    parentPort.on('message', (message) => {
      model.embed(message.texts).then(
        (vectors) =>
          parentPort.postMessage(
            { type: 'result', id: message.id, vectors },
            vectors.map((vector) => vector.buffer),
          ),
        (error) => parentPort.postMessage({ type: 'result', id: message.id, error: String(error?.message ?? error) }),
      );
    });
  },
  (error) => parentPort.postMessage({ type: 'failed', error: String(error?.message ?? error) }),
);
