# syntax=docker/dockerfile:1
# Careflow's apps as container images, one target per app (api, worker, relay, billing, reporting, notices)
# plus migrate, the one-shot migration step:
#
#   docker build --target worker -t careflow-worker .
#
# build:        the locked dependencies (npm ci), then every app built through Nx: type-checked,
#               bundled with esbuild, the worker with its prebuilt Temporal workflow bundle.
# dependencies: the production dependencies alone (no TypeScript, Nx, jest, esbuild).
# runtime:      node, those dependencies and the bundles; runs as the unprivileged user `node`.
# Each app's CMD is node itself in exec form, so SIGTERM reaches node (which drains and exits 0)
# and no shell stands between. test/docker/dockerfile-steps.spec.ts runs the RUN steps of this
# file in a clean copy of the repository; keep them plain commands.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
# npm ci needs the package.json of every workspace to match the lock file.
COPY package.json package-lock.json .npmrc ./
COPY apps/api/package.json apps/api/
COPY apps/billing/package.json apps/billing/
COPY apps/notices/package.json apps/notices/
COPY apps/relay/package.json apps/relay/
COPY apps/reporting/package.json apps/reporting/
COPY apps/worker/package.json apps/worker/
COPY libs/config/package.json libs/config/
COPY libs/contracts/package.json libs/contracts/
COPY libs/domain/package.json libs/domain/
COPY libs/event-store/package.json libs/event-store/
COPY libs/messaging/package.json libs/messaging/
COPY libs/platform/package.json libs/platform/
COPY libs/temporal/package.json libs/temporal/
COPY workflows/package.json workflows/

FROM manifests AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --parallel=2 --outputStyle=static

FROM manifests AS dependencies
RUN npm ci --omit=dev --no-audit --no-fund
# Temporal's core bridge ships a native build for each OS and CPU (~25 MB each); keep this image's,
# as the bridge itself names it.
RUN keep="$(node -p "require('./node_modules/@temporalio/core-bridge/common.js').getPrebuiltTargetName()")" && \
  find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "$keep" -exec rm -rf {} +

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /src/node_modules ./node_modules
COPY --from=dependencies /src/package.json ./
COPY --from=build /src/dist ./dist
USER node
# Every app answers GET /health: the api on API_PORT, the others on HEALTH_PORT (see each target).
ENV API_HOST=0.0.0.0 API_PORT=3000 HEALTH_HOST=0.0.0.0 HEALTH_PORT=9464

FROM runtime AS api
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/main.js"]

# The apps without an API: the same health check on HEALTH_PORT.
FROM runtime AS background
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.HEALTH_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM background AS worker
CMD ["node", "dist/apps/worker/main.js"]

FROM background AS relay
CMD ["node", "dist/apps/relay/main.js"]

FROM background AS billing
CMD ["node", "dist/apps/billing/main.js"]

FROM background AS reporting
CMD ["node", "dist/apps/reporting/main.js"]

FROM background AS notices
CMD ["node", "dist/apps/notices/main.js"]

# Run once before the apps start, as the schema owner (MIGRATION_DATABASE_URL); exits when done.
FROM runtime AS migrate
CMD ["node", "dist/migrate/main.js"]
