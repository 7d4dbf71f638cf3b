# syntax=docker/dockerfile:1
# Multi-stage image for both apps; pick one with the command (see docker-compose.yml).

FROM node:24-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The root postinstall (tools/runtime/node.js) finds Node 24 here and fetches nothing.
COPY tools ./tools
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm AS deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY tools ./tools
# Production dependencies only; native addons (pkcs11js) are built here, against the same Debian.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production SIGNET_LISTEN_HOST=0.0.0.0 SIGNET_DATA_DIR=/var/lib/signet
WORKDIR /app
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
RUN mkdir -p /var/lib/signet && chown node:node /var/lib/signet
USER node
EXPOSE 5555 3000
CMD ["node", "dist/apps/ca/src/main.js"]
