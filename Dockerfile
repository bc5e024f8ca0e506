# Multi-stage: build with the Maven wrapper, run the shaded jar on a slim JRE as a non-root user.
FROM eclipse-temurin:17-jdk-jammy AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package

FROM eclipse-temurin:17-jre-alpine
RUN addgroup -S -g 10001 exporter && adduser -S -u 10001 -G exporter exporter
COPY --from=build /src/target/celery-queue-exporter.jar /opt/celery-queue-exporter.jar
USER 10001:10001
# glibc's per-thread arenas would take tens of MB of a 256 MiB limit
ENV MALLOC_ARENA_MAX=2
EXPOSE 9808
# out of memory ends the process, so Kubernetes restarts it, instead of leaving a poller that silently died
# a 60 % heap and the serial collector keep the whole process inside a 256 MiB limit (bench/QUEUES.md)
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+UseSerialGC", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/celery-queue-exporter.jar"]
CMD ["serve"]
