# syntax=docker/dockerfile:1
# Wharf production image: the API (which also serves the dashboard and the CLI bundle)
# and the worker run from this one image with different commands (docker-compose.yml).

FROM node:20-bookworm-slim AS base
# corepack's signature check is unreliable on offline/air-gapped builders: pnpm from npm.
RUN npm install -g pnpm@10 && npm cache clean --force
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    DO_NOT_TRACK=1
WORKDIR /app

# ---- build: install everything, generate the Prisma client, build all packages --------
FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
# prisma.config.ts wants some DATABASE_URL to parse; generate never connects.
RUN DATABASE_URL=postgresql://build@localhost:5432/build pnpm exec prisma generate
RUN pnpm build

# ---- prune: production dependencies only (the Prisma CLI stays: the api runs -----------
# `prisma migrate deploy` on start), from the store the build stage already filled.
FROM build AS prune
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules e2e/node_modules bench/node_modules scripts/node_modules .turbo \
    && pnpm install --prod --offline --frozen-lockfile

# ---- runtime --------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    WHARF_HOST=0.0.0.0 \
    WHARF_PORT=8080 \
    WHARF_DATA_DIR=/data
# tini reaps children and forwards signals, so `docker stop` shuts the api and the worker
# down cleanly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=prune --chown=node:node /app /app
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
# Migrations first, then the HTTP role. The worker overrides this command.
CMD ["sh", "-c", "node_modules/.bin/prisma migrate deploy && exec node apps/api/dist/main.js"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WHARF_PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
