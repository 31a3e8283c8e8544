'use strict';
// Worker thread entry for the built-in sentence embedding (see minilm.provider.ts). Plain
// CommonJS: a worker is started from a file path, outside jest's transform and the TypeScript
// build. Messages in: { id, texts, passages? }. Messages out: { type: 'ready', loadMs } or
// { type: 'failed', error } once, then { type: 'result', id, vectors | error } per request, with
// `counts` (passages per text, vectors flattened in text order) when passages were asked for.

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
      const work = message.passages
        ? model
            .embedPassages(message.texts)
            .then((lists) => ({ vectors: lists.flat(), counts: lists.map((l) => l.length) }))
        : model.embed(message.texts).then((vectors) => ({ vectors }));
      work.then(
        ({ vectors, counts }) =>
          parentPort.postMessage(
            { type: 'result', id: message.id, vectors, counts },
            vectors.map((vector) => vector.buffer),
          ),
        (error) => parentPort.postMessage({ type: 'result', id: message.id, error: String(error?.message ?? error) }),
      );
    });
  },
  (error) => parentPort.postMessage({ type: 'failed', error: String(error?.message ?? error) }),
);
