# Multi-stage: build with the Maven wrapper, run the shaded jar on a slim JRE as a non-root user.
# The build stage runs on the builder's own platform: the jar is the same for every architecture, so
# `docker buildx build --platform linux/amd64,linux/arm64 .` needs no emulation for Maven.
FROM --platform=$BUILDPLATFORM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package

FROM eclipse-temurin:17-jre-alpine
ARG VERSION=0.1.0-SNAPSHOT
ARG SOURCE=""
# SPDX expression (LICENSE)
ARG LICENSES=Apache-2.0
LABEL org.opencontainers.image.title="celery-queue-exporter" \
      org.opencontainers.image.description="Prometheus exporter for Celery queues on Redis" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}"
RUN addgroup -S -g 10001 exporter && adduser -S -u 10001 -G exporter exporter
COPY --from=build /src/target/celery-queue-exporter.jar /opt/celery-queue-exporter.jar
USER 10001:10001
EXPOSE 9808
# out of memory ends the process, so Kubernetes restarts it, instead of leaving a poller that silently died
# half the limit for the heap and the serial collector keep the whole process inside a 256 MiB limit at 10,000
# queues (bench/QUEUES.md): the JVM's own memory takes about 100 MiB beside the heap
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/celery-queue-exporter.jar"]
CMD ["serve"]
