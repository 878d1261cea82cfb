# syntax=docker/dockerfile:1
# Prism binaries in one slim image; docker-compose.kafka.yml runs one process per container
# (prism-command-api, prism-relay, prism-projector --projector ..., prism-query-api, ...).

# ---- build: the whole workspace in release mode ----
FROM rust:1-bookworm AS build
# rdkafka builds its bundled librdkafka: C toolchain, zlib, OpenSSL headers, pkg-config.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential zlib1g-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bins \
    && mkdir -p /out \
    && find target/release -maxdepth 1 -type f -executable -name 'prism-*' -exec cp {} /out/ \;

# ---- runtime: binaries only ----
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libssl3 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home prism
COPY --from=build /out/ /usr/local/bin/
USER prism
ENV PRISM_LOG=info
# Default: the command API; each compose service names its own binary.
CMD ["prism-command-api"]
