# Switchboard: a release build in the official Rust image, run from Debian slim.
# docker build -t switchboard .   (compose.yaml builds it for the replicas)

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
# The migrations are compiled in (sqlx::migrate!), so the binary is all the image needs.
RUN cargo build --release --locked --bin switchboard \
    && cp target/release/switchboard /usr/local/bin/switchboard

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent switchboard
COPY --from=build /usr/local/bin/switchboard /usr/local/bin/switchboard
USER switchboard
ENV BIND_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
# Liveness only: readiness (/health/ready) is for the load balancer, not for restarting.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
    CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
# SIGTERM: readiness 503 for SHUTDOWN_DRAIN_MS, then in-flight requests finish, leases released.
STOPSIGNAL SIGTERM
ENTRYPOINT ["switchboard"]
CMD ["serve"]
