# syntax=docker/dockerfile:1
# Velvet Rope detection-worker. Build from the repository root: docker build -f docker/detection-worker.Dockerfile .
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
CMD ["node", "dist/apps/detection-worker/src/main.js"]
