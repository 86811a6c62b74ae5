# meetpad: multi-stage image. Build: docker build -t meetpad .
#   Another Node LTS: docker build --build-arg NODE_IMAGE=node:24-bookworm-slim -t meetpad .
# The runtime stage holds dist/ (server + built client), production node_modules and package.json.
ARG NODE_IMAGE=node:22-bookworm-slim

# Production dependencies only, cached on the lockfile. level's native binding ships prebuilt
# binaries for linux x64/arm64, so no compiler is needed.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Everything needed to build: TypeScript for the server, Vite for the client.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
# The image's files stay root-owned (read-only to the server); only /data belongs to the server's user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# No curl in the slim image: Node's own fetch asks /readyz (503 while draining or after a storage failure).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is the process that receives SIGTERM and drains (with `init: true` / --init, tini
# runs as PID 1 and forwards it).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
