package io.isp.lock;

import io.isp.lock.support.FreePorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar as built by {@code package} (failsafe runs this in {@code verify}): its manifest,
 * and {@code java -jar} on it, as the README runs it.
 */
@DisplayName("The shaded jar: manifest entries, and java -jar --dev with clustering")
class ShadedJarIT {

  private static final Path JAR = Path.of(System.getProperty("shaded.jar", "target/isp-lock-service.jar"));

  @Test
  @DisplayName("Multi-Release (Jackson's and SnakeYAML's META-INF/versions/) and the Add-Opens/Add-Exports Hazelcast needs")
  void manifest() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Main-Class")).isEqualTo("io.isp.lock.Main");
      assertThat(jar.isMultiRelease()).as("Multi-Release: true").isTrue();
      assertThat(jar.stream().anyMatch(e -> e.getName().startsWith("META-INF/versions/"))).isTrue();
      assertThat(List.of(main.getValue("Add-Opens").split(" "))).containsExactlyInAnyOrder(
        "java.base/java.lang", "java.base/sun.nio.ch", "java.management/sun.management",
        "jdk.management/com.sun.management.internal");
      assertThat(List.of(main.getValue("Add-Exports").split(" "))).containsExactly("java.base/jdk.internal.ref");
    }
  }

  @Test
  @DisplayName("one log backend: Logback the only SLF4J provider, System.Logger routed to SLF4J, no Log4j, no SLF4J 1.x binding")
  void oneLogBackend() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(service(jar, "org.slf4j.spi.SLF4JServiceProvider")).isEqualTo("ch.qos.logback.classic.spi.LogbackServiceProvider");
      assertThat(service(jar, "java.lang.System$LoggerFinder")).isEqualTo("org.slf4j.jdk.platform.logging.SLF4JSystemLoggerFinder");
      assertThat(jar.stream().map(java.util.zip.ZipEntry::getName)).noneMatch(name -> name.startsWith("org/apache/logging/log4j/")
        || name.startsWith("org/apache/log4j/") || name.equals("org/slf4j/impl/StaticLoggerBinder.class")
        || name.startsWith("org/slf4j/simple/") || name.startsWith("org/slf4j/nop/") || name.startsWith("org/slf4j/jul/"));
    }
  }

  /** The one implementation a META-INF/services file names (the shade plugin merges them). */
  private static String service(JarFile jar, String type) throws java.io.IOException {
    java.util.zip.ZipEntry entry = jar.getEntry("META-INF/services/" + type);
    assertThat(entry).as(type).isNotNull();
    List<String> lines = new String(jar.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
      .lines().map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    assertThat(lines).as(type).hasSize(1);
    return lines.get(0);
  }

  @Test
  @DisplayName("java -jar --dev, clustered, json logs: ready, /metrics, Hazelcast's lines JSON too, no warning about Java internal API access, SIGTERM exits 0")
  void runs() throws Exception {
    int httpPort = FreePorts.next();
    Path log = Files.createTempFile("shaded-jar", ".log");
    ProcessBuilder builder = new ProcessBuilder(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "--dev")
      .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(java.util.Map.of(
      "HTTP_PORT", Integer.toString(httpPort), "HTTP_HOST", "127.0.0.1",
      "CLUSTER_ENABLED", "true", "CLUSTER_HOST", "127.0.0.1", "CLUSTER_PORT", Integer.toString(FreePorts.next()),
      "LOG_FORMAT", "json"));
    Process process = builder.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).build();
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().failFast(() -> !process.isAlive())
        .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      // the shaded Micrometer and Prometheus classes work: Vert.x's meters and the service's own
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("isp_lock_requests_total{", "vertx_http_server_requests_total{", "jvm_memory_used_bytes{");
      String output = Files.readString(log);
      assertThat(output).contains("Hazelcast").doesNotContain("without proper access to required Java packages");
      // every line, Hazelcast's included, came through SLF4J into Logback's json format
      List<io.vertx.core.json.JsonObject> lines = output.lines().filter(line -> !line.isBlank())
        .map(io.vertx.core.json.JsonObject::new).toList();
      assertThat(lines).anySatisfy(line -> assertThat(line.getString("logger")).startsWith("com.hazelcast"));
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly); // the private redis-server
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      new File(log.toString()).delete();
    }
  }
}
