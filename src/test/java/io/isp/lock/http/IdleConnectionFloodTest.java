package io.isp.lock.http;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.LatencySample;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.ServiceProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as a process of its own under {@code ulimit -n 12000} (so http.maxConnections derives
 * to 8936), and 5,000 connections opened to it that send nothing. A normal client, on a connection
 * opened after them, must still be served within its usual latency: the baseline measured before
 * the flood, a median at most 3x that plus 5 ms.
 */
@Tag("slow")
@DisplayName("5,000 concurrent idle connections, then a normal client still served within its usual latency")
class IdleConnectionFloodTest {

  private static final int IDLE_CONNECTIONS = 5000;
  private static final int SERVICE_FILE_LIMIT = 12_000;

  @Test
  void normalClientServedDespiteIdleFlood() throws Exception {
    // this JVM holds the 5,000 client ends: it needs the descriptors too (.ci/run raises the soft limit)
    assumeThat(openFileLimit()).as("ulimit -n of the test JVM (raise it to run this test)")
      .isGreaterThan(IDLE_CONNECTIONS + 2000);
    int port = FreePorts.next();
    List<Socket> idle = new ArrayList<>();
    try (ServiceProcess service = ServiceProcess.startWithFileLimit(SERVICE_FILE_LIMIT, Map.of(
      "REDIS_SERVER", RedisFixture.shared().server(),
      "HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(port),
      // idle connections stay open for the whole test: they are what we measure against
      "HTTP_IDLETIMEOUT", "300s",
      "REDIS_PREFIX", "idle-flood-" + System.nanoTime()))) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> live(port) == 200);
      LatencySample.lockUnlockPairs(port, "warm-up", 100);
      LatencySample baseline = LatencySample.lockUnlockPairs(port, "normal", 150);

      long openingAt = System.nanoTime();
      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        idle.add(socket);
      }
      long openedMs = (System.nanoTime() - openingAt) / 1_000_000;
      // accept() takes connections in order: once a newer one is served, the 5,000 have been accepted
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> live(port) == 200);
      LatencySample underFlood = LatencySample.lockUnlockPairs(port, "normal", 150);

      // the idle connections are still open (not turned away: 5,000 is within http.maxConnections)
      for (int i = 0; i < IDLE_CONNECTIONS; i += 500) {
        idle.get(i).setSoTimeout(1);
        try {
          assertThat(idle.get(i).getInputStream().read()).as("idle connection %d closed", i).isNotEqualTo(-1);
        } catch (java.net.SocketTimeoutException stillOpen) {
          // nothing to read, not closed: as expected
        }
      }
      System.out.printf("FIGURES idle-flood: %d idle connections opened in %d ms and held; normal client baseline %s, "
          + "with them open %s (bound: median <= 3 x %.1f + 5 ms)%n", IDLE_CONNECTIONS, openedMs, baseline, underFlood,
        baseline.medianMs());
      assertThat(underFlood.medianMs()).isLessThanOrEqualTo(3 * baseline.medianMs() + 5);
    } finally {
      for (Socket socket : idle) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  private static int live(int port) {
    try (RawConnection probe = RawConnection.connect(port)) {
      return probe.send(RawConnection.request("GET", "/health/live", null)).readResponse(Duration.ofSeconds(5)).status();
    }
  }

  /** The soft "Max open files" of this process, from /proc (Linux). */
  private static long openFileLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return 0;
  }
}
