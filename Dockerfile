# syntax=docker/dockerfile:1
# One image for every Engram process: `engram api`, `engram worker`, `engram migrate up`, `engram serve`.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change reuses the cached install layer. `npm install`
# follows the lock file; `npm ci` would refuse it (it lists one platform's swc binaries only).
COPY package.json package-lock.json ./
# postinstall converts the sentence model to ONNX and checks it against reference vectors.
COPY ops/build-minilm-onnx.mjs ops/
COPY libs/embeddings/src/minilm-session.js libs/embeddings/src/minilm.reference.json libs/embeddings/src/
# onnxruntime-node's own install script would fetch CUDA builds; the CPU runtime is in its package.
# (allowScripts denies it too, for an npm that reads allowScripts.)
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Code and dependencies stay root-owned and read-only to the process; only the embedded data
# directory (used when DATABASE_URL is unset) is writable by it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The RBAC policy and the feature flags (config/rbac-policies.json, config/feature-flags.json by default);
# mount over them to change them.
COPY --from=build /app/config ./config
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]
CMD ["serve"]
