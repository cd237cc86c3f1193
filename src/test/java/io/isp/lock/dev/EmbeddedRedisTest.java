package io.isp.lock.dev;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("--dev: a private redis-server, from PATH or else from the embedded-redis jar")
class EmbeddedRedisTest {

  @Test
  @DisplayName("redis-server is looked up in PATH's directories, the first executable one wins")
  void findOnPath(@TempDir Path dir) throws IOException {
    Path notExecutable = Files.createDirectories(dir.resolve("a"));
    Files.writeString(notExecutable.resolve("redis-server"), "");
    Path first = Files.createDirectories(dir.resolve("b"));
    Path second = Files.createDirectories(dir.resolve("c"));
    for (Path d : new Path[] {first, second}) {
      Path binary = Files.writeString(d.resolve("redis-server"), "#!/bin/sh\n");
      Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
    }
    String path = String.join(":", dir.resolve("none").toString(), notExecutable.toString(), "", first.toString(),
      second.toString());
    assertThat(EmbeddedRedis.findOnPath(path)).contains(first.resolve("redis-server"));
    assertThat(EmbeddedRedis.findOnPath(notExecutable.toString())).isEmpty();
    assertThat(EmbeddedRedis.findOnPath("")).isEmpty();
    assertThat(EmbeddedRedis.findOnPath(null)).isEmpty();
  }

  @Test
  @DisplayName("the bundled binary is chosen by os.name and os.arch, and is on the class path")
  void bundledResource() {
    assertThat(EmbeddedRedis.bundledResource("Linux", "amd64")).hasValueSatisfying(resource -> {
      assertThat(resource).contains("linux-amd64");
      assertThat(EmbeddedRedis.class.getResource(resource)).isNotNull();
    });
    assertThat(EmbeddedRedis.bundledResource("Linux", "aarch64")).hasValueSatisfying(r -> assertThat(r).contains("linux-arm64"));
    assertThat(EmbeddedRedis.bundledResource("Mac OS X", "aarch64")).hasValueSatisfying(r -> assertThat(r).contains("darwin-arm64"));
    assertThat(EmbeddedRedis.bundledResource("SunOS", "sparcv9")).isEmpty();
    assertThat(EmbeddedRedis.bundledResource("Linux", "s390x")).isEmpty();
  }

  @Test
  @DisplayName("with redis-server on PATH: that one runs, and close() stops it")
  void fromPath() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(System.getenv("PATH"))) {
      assertThat(redis.source()).endsWith("(on PATH)");
      Path dir = redis.dir();
      assertThat(dir).isDirectory();
      assertAnswersAndStops(redis);
      assertThat(dir).doesNotExist();
    }
  }

  @Test
  @DisplayName("without redis-server on PATH: the jar's binary is extracted, runs, and is deleted with its dir on close()")
  void fromJar() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start("")) {
      assertThat(redis.source()).contains("embedded-redis jar");
      Path binary = Path.of(ProcessHandle.of(redis.pid()).orElseThrow().info().command().orElseThrow());
      assertThat(binary.getFileName().toString()).isEqualTo("redis-server");
      assertAnswersAndStops(redis);
      assertThat(binary).doesNotExist();
      assertThat(binary.getParent()).doesNotExist();
    }
  }

  private static void assertAnswersAndStops(EmbeddedRedis redis) throws IOException {
    assertThat(redis.hostPort()).startsWith("127.0.0.1:");
    int port = Integer.parseInt(redis.hostPort().substring("127.0.0.1:".length()));
    assertThat(command(port, "PING", 1)).containsExactly("+PONG");
    // no persistence: *2, $4, save, $0 (no snapshot rules), and appendonly no
    assertThat(command(port, "CONFIG GET save", 4)).containsExactly("*2", "$4", "save", "$0");
    assertThat(command(port, "CONFIG GET appendonly", 5)).endsWith("no");
    ProcessHandle process = ProcessHandle.of(redis.pid()).orElseThrow();
    redis.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    assertThat(canConnect(port)).isFalse();
  }

  /** Sends one inline command and returns the first {@code lines} lines of the reply. */
  private static List<String> command(int port, String command, int lines) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> reply = new ArrayList<>();
      while (reply.size() < lines) {
        reply.add(in.readLine());
      }
      return reply;
    }
  }

  private static boolean canConnect(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
