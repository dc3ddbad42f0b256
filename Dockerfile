# syntax=docker/dockerfile:1
# deserwall: multi-stage build. The build stage compiles the re2 native addon
# (python3, make, g++) and the TypeScript sources; the runtime stage is Node 24
# slim with only production dependencies, running as the unprivileged "node" user.
# .ci/docker-steps runs these same commands, in this order, on a clean copy to
# prove them where no Docker engine is available. docs/docker.md explains how to run it.

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node signatures ./signatures
COPY --chown=node:node config ./config
COPY --chown=node:node static ./static
# The config is mounted here (see README "Docker"); the default blocks everything.
RUN mkdir -p /etc/deserwall && cp config/default.yaml /etc/deserwall/config.yaml
ENV DESERWALL_LISTEN=0.0.0.0:8080
# Health checks run inside the container; set DESERWALL_ADMIN_LISTEN=0.0.0.0:9090 for probes from outside (Kubernetes).
USER node
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# node:*-slim runs Node as PID 1 without an init: use `docker run --init` (compose sets init: true)
# so that SIGTERM starts the graceful shutdown and zombies are reaped.
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve", "--config", "/etc/deserwall/config.yaml"]
