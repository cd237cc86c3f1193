package io.isp.lock.cli;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.HttpResult;
import io.isp.lock.support.ServiceUnderTest;
import io.isp.lock.support.TestCertificates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

@DisplayName("The lock command: runs a command holding a lock, with real processes, the service and Redis")
class LockCommandProcessTest {

  private static final String ADMIN_TOKEN = "lock-command-admin";

  @RegisterExtension
  static final TestCertificates certs = TestCertificates.fixture();

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
    .put("http", new JsonObject().put("adminTokens", new JsonArray().add(ADMIN_TOKEN))));

  @TempDir
  Path dir;

  private Map<String, String> env() {
    return Map.of("ISP_LOCK_URL", "http://127.0.0.1:" + service.port());
  }

  private LockCommandProcess lock(String... args) {
    return LockCommandProcess.start(env(), dir, args);
  }

  private static JsonObject status(String key) {
    HttpResult result = service.get(API + "/locks/" + key);
    assertThat(result.status()).as("status of %s: %s", key, result).isEqualTo(200);
    return result.json();
  }

  private static boolean locked(String key) {
    return status(key).getBoolean("locked");
  }

  private boolean exists(String file) {
    return Files.exists(dir.resolve(file));
  }

  private String read(String file) throws Exception {
    return Files.readString(dir.resolve(file)).trim();
  }

  @Test
  @DisplayName("exits with the command's status (0, 3), and the key is free afterwards")
  void exitsWithTheCommandsStatus() {
    try (LockCommandProcess ok = lock("status-key", "--", "true")) {
      assertThat(ok.awaitExit(60)).as("stderr: %s", ok.stderr()).isZero();
    }
    try (LockCommandProcess three = lock("status-key", "--", "sh", "-c", "exit 3")) {
      assertThat(three.awaitExit(60)).as("stderr: %s", three.stderr()).isEqualTo(3);
      assertThat(three.stderr()).isEmpty();
    }
    assertThat(locked("status-key")).isFalse();
  }

  @Test
  @DisplayName("the lock is held exactly while the command runs; the command gets ISP_LOCK_KEY and ISP_LOCK_FENCING_TOKEN")
  void heldExactlyWhileTheCommandRuns() throws Exception {
    assertThat(locked("while-key")).isFalse();
    try (LockCommandProcess command = lock("--ttl", "5", "while-key", "--", "sh", "-c",
      "echo \"$ISP_LOCK_KEY $ISP_LOCK_FENCING_TOKEN\" > env.txt; touch started; "
        + "while [ ! -e go ]; do sleep 0.05; done; echo done > finished")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> exists("started") || !command.isAlive());
      assertThat(command.isAlive()).as("stderr: %s", command.stderr()).isTrue();

      JsonObject during = status("while-key");
      assertThat(during.getBoolean("locked")).isTrue();
      String[] env = read("env.txt").split(" ");
      assertThat(env[0]).isEqualTo("while-key");
      assertThat(Long.parseLong(env[1])).isEqualTo(during.getLong("fencingToken")).isPositive();
      Files.writeString(dir.resolve("go"), "");

      assertThat(command.awaitExit(30)).as("stderr: %s", command.stderr()).isZero();
      assertThat(exists("finished")).isTrue();
      // released before the command exited, not at the TTL
      assertThat(locked("while-key")).isFalse();
    }
  }

  @Test
  @DisplayName("held elsewhere: exits 75 without running the command, at once with --wait 0, after the wait with --wait 1")
  void heldElsewhereExits75() {
    String lockKey = service.lockKeyFor("busy-key", 60);
    try (LockCommandProcess once = lock("--wait", "0", "busy-key", "--", "touch", "ran")) {
      assertThat(once.awaitExit(60)).as("stderr: %s", once.stderr()).isEqualTo(75);
      assertThat(once.stderr()).contains("busy-key").contains("held elsewhere");
    }
    long start = System.nanoTime();
    try (LockCommandProcess waiting = lock("--wait", "1", "busy-key", "--", "touch", "ran")) {
      assertThat(waiting.awaitExit(60)).as("stderr: %s", waiting.stderr()).isEqualTo(75);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(exists("ran")).isFalse();
    assertThat(service.unlock("busy-key", lockKey).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a waiting command gets the key when its holder lets go")
  void waitsForTheKey() {
    String lockKey = service.lockKeyFor("queued-key", 60);
    try (LockCommandProcess waiting = lock("--wait", "30", "queued-key", "--", "touch", "ran")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.waiters() > 0 || !waiting.isAlive());
      assertThat(service.unlock("queued-key", lockKey).status()).isEqualTo(200);
      assertThat(waiting.awaitExit(60)).as("stderr: %s", waiting.stderr()).isZero();
    }
    assertThat(exists("ran")).isTrue();
  }

  @Test
  @DisplayName("nothing listening at the URL: exits 69 with a one-line reason, without running the command")
  void nothingListensExits69() {
    try (LockCommandProcess command = LockCommandProcess.start(Map.of(), dir,
      "--url", "http://127.0.0.1:" + FreePorts.next(), "k", "--", "touch", "ran")) {
      assertThat(command.awaitExit(60)).isEqualTo(69);
      assertThat(command.stderr().strip().lines()).hasSize(1).allMatch(line -> line.startsWith("isp-lock: cannot open a session"));
    }
    assertThat(exists("ran")).isFalse();
  }

  @Test
  @DisplayName("a token the service refuses: exits 69 saying so; the right one from ISP_LOCK_TOKEN works")
  void tokenRefusedExits69() {
    try (ServiceUnderTest guarded = ServiceUnderTest.start(new JsonObject()
      .put("http", new JsonObject().put("tokens", new JsonArray().add("right-token"))))) {
      String url = "http://127.0.0.1:" + guarded.port();
      try (LockCommandProcess wrong = LockCommandProcess.start(Map.of("ISP_LOCK_URL", url, "ISP_LOCK_TOKEN", "wrong"), dir,
        "k", "--", "touch", "ran")) {
        assertThat(wrong.awaitExit(60)).isEqualTo(69);
        assertThat(wrong.stderr().strip().lines()).as("one line saying why").hasSize(1)
          .allMatch(line -> line.startsWith("isp-lock: ") && line.contains("401") && line.contains("token"));
      }
      assertThat(exists("ran")).isFalse();
      try (LockCommandProcess right = LockCommandProcess.start(Map.of("ISP_LOCK_URL", url, "ISP_LOCK_TOKEN", "right-token"), dir,
        "k", "--", "touch", "ran")) {
        assertThat(right.awaitExit(60)).as("stderr: %s", right.stderr()).isZero();
      }
      assertThat(exists("ran")).isTrue();
    }
  }

  @Test
  @DisplayName("https:// talks TLS to the service, trusting the JVM's trust store; a certificate it does not trust: 69")
  void overHttps() throws Exception {
    TestCertificates.Authority ca = certs.authority("lock command CA");
    TestCertificates.Pem server = certs.server(ca, "lock service", "IP:127.0.0.1", "DNS:localhost");
    Path trustStore = dir.resolve("trust.p12");
    Process keytool = new ProcessBuilder("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", ca.cert().toString(),
      "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
    String keytoolOutput = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(keytoolOutput).isZero();
    JsonObject tls = new JsonObject().put("certPath", server.cert().toString()).put("keyPath", server.key().toString());
    try (ServiceUnderTest secured = ServiceUnderTest.start(new JsonObject().put("http", new JsonObject().put("tls", tls)))) {
      Map<String, String> env = Map.of("ISP_LOCK_URL", "https://127.0.0.1:" + secured.port());
      try (LockCommandProcess trusting = LockCommandProcess.start(List.of("-Djavax.net.ssl.trustStore=" + trustStore,
        "-Djavax.net.ssl.trustStorePassword=changeit"), env, dir, "tls-key", "--", "touch", "ran")) {
        assertThat(trusting.awaitExit(60)).as("stderr: %s", trusting.stderr()).isZero();
      }
      assertThat(exists("ran")).isTrue();
      try (LockCommandProcess untrusting = LockCommandProcess.start(env, dir, "tls-key", "--", "true")) {
        assertThat(untrusting.awaitExit(60)).as("stderr: %s", untrusting.stderr()).isEqualTo(69);
        assertThat(untrusting.stderr()).contains("cannot open a session");
      }
    }
  }

  @Test
  @DisplayName("bad usage exits 64 with the usage text; --help exits 0")
  void badUsageExits64() {
    for (String[] args : new String[][] {{}, {"k"}, {"k", "--"}, {"--ttl", "abc", "k", "--", "true"}, {"--ttl", "0", "k", "--", "true"},
      {"--frobnicate", "k", "--", "true"}, {"--url", "ftp://x", "k", "--", "true"}}) {
      try (LockCommandProcess command = lock(args)) {
        assertThat(command.awaitExit(60)).as("lock %s", String.join(" ", args)).isEqualTo(64);
        assertThat(command.stderr()).startsWith("isp-lock: ").contains("usage:");
      }
    }
    try (LockCommandProcess help = lock("--help")) {
      assertThat(help.awaitExit(60)).isZero();
      assertThat(help.stdout()).contains("usage:").contains("ISP_LOCK_FENCING_TOKEN");
    }
  }

  @Test
  @DisplayName("a command that cannot be found: exits 127 and the key is free")
  void commandNotFound() {
    try (LockCommandProcess command = lock("missing-key", "--", "no-such-command-anywhere")) {
      assertThat(command.awaitExit(60)).isEqualTo(127);
      assertThat(command.stderr()).contains("cannot run no-such-command-anywhere");
    }
    assertThat(locked("missing-key")).isFalse();
  }

  @Test
  @DisplayName("the lock force-unlocked while the command runs: the command is terminated and the lock command exits 70")
  void lostLockStopsTheCommand() throws Exception {
    try (LockCommandProcess command = lock("--ttl", "3", "lost-key", "--", "sh", "-c",
      "echo $$ > pid; touch started; exec sleep 120")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> exists("started") || !command.isAlive());
      long childPid = Long.parseLong(read("pid"));
      assertThat(ProcessHandle.of(childPid)).isPresent();

      long forcedAt = System.nanoTime();
      HttpResult forced = service.send("DELETE", API + "/locks/lost-key", null, "X-Application-Token", ADMIN_TOKEN);
      assertThat(forced.status()).isEqualTo(200);

      assertThat(command.awaitExit(30)).as("stderr: %s", command.stderr()).isEqualTo(70);
      // the session renews at a third of the 3 s TTL: lost within about a second, then SIGTERM
      Duration stopped = Duration.ofNanos(System.nanoTime() - forcedAt);
      System.out.println("lock command: exit 70 " + stopped.toMillis() + " ms after the force-unlock (3 s TTL)");
      assertThat(stopped).isLessThan(Duration.ofSeconds(8));
      assertThat(command.stderr()).contains("lost").contains("lost-key");
      assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).as("the command still runs").isFalse();
    }
  }

  @Test
  @DisplayName("a command that ignores SIGTERM after the lock is lost gets SIGKILL after --grace")
  void lostLockKillsAfterGrace() throws Exception {
    try (LockCommandProcess command = lock("--ttl", "3", "--grace", "1", "stubborn-key", "--", "sh", "-c",
      "trap '' TERM; echo $$ > pid; touch started; while true; do sleep 0.1; done")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> exists("started") || !command.isAlive());
      long childPid = Long.parseLong(read("pid"));
      assertThat(service.send("DELETE", API + "/locks/stubborn-key", null, "X-Application-Token", ADMIN_TOKEN).status())
        .isEqualTo(200);

      assertThat(command.awaitExit(30)).as("stderr: %s", command.stderr()).isEqualTo(70);
      assertThat(command.stderr()).contains("SIGKILL");
      await().atMost(Duration.ofSeconds(5))
        .until(() -> !ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false));
    }
  }

  @Test
  @DisplayName("SIGTERM and SIGINT to the lock command go to the command; the lock is released when it exits")
  void signalsArePassedOn() throws Exception {
    for (String signal : new String[] {"TERM", "INT"}) {
      String key = "signal-key-" + signal;
      try (LockCommandProcess command = lock(key, "--", "sh", "-c",
        "trap 'echo " + signal + " > got; exit 7' " + signal + "; touch started; while true; do sleep 0.1; done")) {
        await().atMost(Duration.ofSeconds(60)).until(() -> exists("started") || !command.isAlive());
        assertThat(locked(key)).isTrue();
        if (signal.equals("TERM")) {
          command.terminate();
        } else {
          // a test run started without job control hands SIGINT down ignored: nothing could catch it then
          assumeFalse(command.ignoresSignal(2), "SIGINT is ignored in this environment");
          command.interrupt();
        }
        assertThat(command.awaitExit(30)).as("stderr: %s", command.stderr()).isEqualTo(7);
        assertThat(read("got")).isEqualTo(signal);
        assertThat(locked(key)).isFalse();
      }
      Files.delete(dir.resolve("started"));
    }
  }
}
