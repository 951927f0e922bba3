# syntax=docker/dockerfile:1
# Velvet Rope portal-api. Build from the repository root: docker build -f docker/portal-api.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# Builds the apps and the web portal (apps/web/dist), which the API serves.
RUN npm run build
RUN npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./
COPY --from=build /app/apps/web/dist ./apps/web/dist
ENV WEB_DIST_DIR=/app/apps/web/dist
USER node
CMD ["node", "dist/apps/portal-api/src/main.js"]
