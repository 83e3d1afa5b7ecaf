# The MPR server's image. The runnable jar is built on the host first:
#   mvn -B -ntp -DskipTests package && docker build -t mpr4j/mpr-server .
# scripts/docker-test.sh builds and checks it (see docs/operations.md, "Container image").

# (binutils: Debian's jlink strips debug symbols with objcopy)
# A Java 17 runtime with only the modules the server uses (jdeps on the runnable jar, plus those loaded as
# services: EC keys for TLS and APNs, DNS for mongodb+srv://), made with jlink from Debian's JDK
FROM debian:bookworm-slim AS jre
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless binutils \
 && jlink --output /jre --strip-debug --no-man-pages --no-header-files --compress=2 \
      --add-modules java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.naming.dns,jdk.net,jdk.unsupported \
 && cp -L /etc/ssl/certs/java/cacerts /jre/lib/security/cacerts

FROM debian:bookworm-slim
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="mpr-server" \
      org.opencontainers.image.description="Message Pickup Repository for DIDComm mediators (JSON-RPC over WebSocket)" \
      org.opencontainers.image.source="https://github.com/mpr4j/mpr4j" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"

# curl for the health check; nothing else
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin mpr \
 && mkdir -p /data /app \
 && chown mpr:mpr /data
COPY --from=jre /jre /opt/java
COPY mpr-server/target/mpr-server-*-all.jar /app/mpr-server.jar

# The embedded store (and the callback registry) live in /data: mount a volume there
ENV PATH=/opt/java/bin:$PATH \
    MPR_DATA_DIR=/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
VOLUME /data
WORKDIR /data
USER mpr
EXPOSE 3100 3500

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS -k --max-time 4 "http$([ -n "$MPR_TLS_CERT_FILE" ] && echo s)://127.0.0.1:${APP_PORT:-3500}/health" >/dev/null || exit 1

# Java is PID 1 (exec): SIGTERM from docker stop or Kubernetes runs the graceful shutdown
# (MPR_SHUTDOWN_GRACE_MS); give the container a stop timeout a few seconds longer than that
STOPSIGNAL SIGTERM
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /app/mpr-server.jar \"$@\"", "mpr-server"]
