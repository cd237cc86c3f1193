# Build with the project's own Maven wrapper on a JDK, run on a plain Java 17 JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/isp-lock-service.jar /app/isp-lock-service.jar
COPY conf /app/conf
RUN useradd --system --uid 10001 lock
USER lock
EXPOSE 8080
# REDIS_SERVER etc. override conf/config.yaml; see README
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/isp-lock-service.jar"]
CMD ["--config", "/app/conf/config.yaml"]
