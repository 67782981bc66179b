# syntax=docker/dockerfile:1
# The Envkeeper image: built with the Maven wrapper on a JDK 17, run as the layered Spring Boot jar
# on a JRE 17, as a non-root user, with the service itself as PID 1.
#
#   docker build -t envkeeper:0.1.0 .
#
# Checked by the build (no Docker engine needed): DockerfileTests reads this file, and
# ContainerImageJarTests extracts and starts the jar exactly as the stages below do.

FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /build
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY db/ db/
COPY src/main/ src/main/
# Tests are neither compiled nor run here: CI runs them (./mvnw verify). The cache mount keeps
# ~/.m2 between builds.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Dmaven.test.skip=true package \
 && java -Djarmode=tools -jar target/envkeeper-*.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre-noble
# Fixed numeric ids: Kubernetes' runAsNonRoot can only verify a numeric user, and the chart's
# securityContext uses the same ids. Its home doubles as the data dir outside Kubernetes.
RUN groupadd --system --gid 10001 envkeeper \
 && useradd --system --uid 10001 --gid envkeeper --home-dir /var/lib/envkeeper --shell /usr/sbin/nologin envkeeper \
 && install -d -o envkeeper -g envkeeper -m 0700 /var/lib/envkeeper
WORKDIR /app
# Least to most often changed, so a code change ships only the last layer.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Memory as README.md ("Memory") advises: a 512 MiB heap cap (the live heap at 500 environments is
# ~70 MiB; without a cap the JVM sizes the heap from the limit and keeps much of it committed), the
# serial collector (less native memory than G1 at this size), the C1 compiler only (no C2: its
# compilations cost tens of MiB and most of a destroy's CPU long after start) and two malloc arenas. An
# OutOfMemoryError ends the process (and the orchestrator restarts it) instead of leaving a
# half-working service.
ENV JAVA_TOOL_OPTIONS="-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    ENVKEEPER_DATA_DIR=/var/lib/envkeeper
USER 10001:10001
EXPOSE 8080 8081
# Exec form, no shell: java is PID 1, receives SIGTERM itself, and its reaper adopts orphaned
# worker descendants (the kernel re-parents orphans to PID 1).
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
