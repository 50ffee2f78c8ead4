# syntax=docker/dockerfile:1
# Build: compile TypeScript with the dev dependencies, then keep production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Run: a small image with the compiled code, the flows and the texts, as the unprivileged node user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    HTTP_PORT=8080 \
    HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node flows ./flows
COPY --chown=node:node locales ./locales
# Starting codebooks for coding open answers (`node dist/cli.js code codebook seed`).
COPY --chown=node:node codebooks ./codebooks
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HTTP_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1's child-free main process, so SIGTERM reaches the graceful shutdown.
# V8's default young generation: a 64 MiB one cost about 90 MB of resident memory at the
# side-by-side benchmark's load and bought no throughput there (README, Benchmarks).
CMD ["node", "dist/main.js"]
