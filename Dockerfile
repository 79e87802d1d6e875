# Deckhand's production image: the compiled build on Node 20 slim, run as a non-root user.
# Build: docker build -t deckhand .   Run: see deploy/ (Kustomize) and README, "Running in a cluster".

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/deckhand && chown node:node /var/lib/deckhand
# The image's files belong to root and are read-only to the process; state goes to the data directory
# (an emptyDir in deploy/) and PostgreSQL.
USER node
ENV DECKHAND_DATA_DIR=/var/lib/deckhand
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/deckhand.js"]
CMD ["start", "--http"]
