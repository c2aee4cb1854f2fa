# syntax=docker/dockerfile:1
#
# docker build -t opsbot .
# docker run -p 8080:8080 -v opsbot-data:/app/data \
#   -e SLACK_BOT_TOKEN -e SLACK_SIGNING_SECRET -e OPSBOT_WEBHOOK_TOKEN \
#   -v "$PWD/opsbot.yaml:/app/opsbot.yaml:ro" -v "$PWD/runbooks:/app/runbooks:ro" opsbot

# ---- build ---------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src

# The image's own Maven runs on JDK 21, which the toolchains plugin accepts as is; the wrapper
# would only download a second Maven.
COPY pom.xml ./
COPY .mvn/ .mvn/
COPY commands/pom.xml commands/
COPY bot/pom.xml bot/
COPY commands/src/ commands/src/
COPY bot/src/ bot/src/
# -DskipTests still compiles the tests: bot depends on the commands test-jar, which
# -Dmaven.test.skip would not build. The cache mount keeps ~/.m2 between builds, not in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -DskipTests package

# ---- runtime -------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre

# A fixed numeric uid, so Kubernetes' runAsNonRoot can verify it and a bind-mounted data folder
# can be chowned to it on the host (chown 10001 ./data).
# The stats charts are drawn with Java2D, which needs a font file; install one rather than rely on
# what the base image's packages happen to pull in.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 opsbot \
 && useradd --system --uid 10001 --gid opsbot --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin opsbot

WORKDIR /app
# Libraries change less often than the bot's own jar: separate layers.
COPY --from=build /src/bot/target/libs/ libs/
COPY --from=build /src/bot/target/opsbot.jar opsbot.jar
COPY runbooks/ runbooks/
COPY templates/ templates/
COPY opsbot.example.yaml ./
COPY --chmod=755 bin/cds-java bin/opsbot bin/
# Everything above stays root-owned and read-only to the bot; only the SQLite folder is its own.
RUN mkdir -p /app/data && chown opsbot:opsbot /app/data
VOLUME ["/app/data"]

USER 10001:10001
ENV OPSBOT_PORT=8080
# `opsbot …` in the container runs another command beside the bot, as in a checkout:
# docker exec CONTAINER opsbot audit verify, kubectl exec deploy/opsbot -- opsbot validate.
ENV PATH=/app/bin:$PATH
EXPOSE 8080

# curl ships in the Temurin Ubuntu images. 127.0.0.1 rather than localhost: no IPv6 detour when
# the server listens on IPv4 only. Liveness, not readiness: a database outage should not get the
# container killed and restarted in a loop.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null --max-time 4 "http://127.0.0.1:${OPSBOT_PORT}/health/live" || exit 1

# Serial GC and 75% of the container's memory limit suit a small, mostly idle service, and the
# heap-free ratios give memory back when idle; exit on OOM so the orchestrator restarts a clean
# process. The class-data archive is written to the data volume on the first clean stop and
# halves later start-ups (BENCHMARKS.md). bin/cds-java names it after this image's jars and JDK
# (/app/data/opsbot-<build>-jdk<version>.jsa) and removes the archives of other images: an
# archive of an earlier image would be refused and, JDK 25 at least, never rewritten. It execs
# java, which stays PID 1 and gets the stop signal. More flags: JDK_JAVA_OPTIONS. Native access
# (SQLite's driver) is enabled by the jar's manifest, as for bin/opsbot.
ENTRYPOINT ["/app/bin/cds-java", "java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=5", \
            "-XX:MaxHeapFreeRatio=20", "-XX:+ExitOnOutOfMemoryError", \
            "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/app/data/opsbot.jsa", \
            "-Xlog:cds=off", "-Xlog:cds+dynamic=off", \
            "-jar", "/app/opsbot.jar"]
CMD ["serve"]
