# syntax=docker/dockerfile:1
# Velvet Rope worker (audit log writer and the domain's other jobs). Build from the repository root: docker build -f docker/worker.Dockerfile .
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
# A young generation big enough that the jobs a worker holds until their batch commits die young (docs/audit.md).
CMD ["node", "--max-semi-space-size=64", "dist/apps/worker/src/main.js"]
