# syntax=docker/dockerfile:1
# One image for every Engram process: `engram api`, `engram worker`, `engram migrate up`, `engram serve`.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so a source change reuses the cached `npm ci` layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 # The `node` package ships a second Node 24 binary (120 MB) for machines whose system Node is
 # older; the base image already is Node 24, so the copy is dead weight here.
 && rm -rf node_modules/node node_modules/.bin/node

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Code and dependencies stay root-owned and read-only to the process; only the embedded data
# directory (used when DATABASE_URL is unset) is writable by it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]
CMD ["serve"]
