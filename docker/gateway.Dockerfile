# syntax=docker/dockerfile:1
# Velvet Rope gateway. Build from the repository root: docker build -f docker/gateway.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
RUN npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./

USER node
# GC work stays on the request thread in small steps instead of concurrent threads that, on a
# small or pinned CPU allowance, preempt it for tens of milliseconds (docs/performance.md).
CMD ["node", "--single-threaded-gc", "dist/apps/gateway/src/main.js"]
