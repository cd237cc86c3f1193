package io.isp.lock.http;

import io.isp.lock.support.FreePorts;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.RedisFixture;
import io.isp.lock.support.ServiceProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service under {@code ulimit -n 400} (so http.maxConnections derives to 236) and a client that
 * opens 500 connections and sends nothing. Before the cap, accept() failed with "Too many open files"
 * and nothing was answered, health included, until the client let go.
 */
@DisplayName("Under ulimit -n 400, 500 idle connections do not starve the process: /health/live still answers")
class FileLimitProcessTest {

  private static final int FILE_LIMIT = 400;
  private static final int IDLE_CONNECTIONS = 500;

  @Test
  void healthAnswersDespiteAFlood() throws Exception {
    int port = FreePorts.next();
    List<Socket> flood = new ArrayList<>();
    try (ServiceProcess service = ServiceProcess.startWithFileLimit(FILE_LIMIT, Map.of(
      "REDIS_SERVER", RedisFixture.shared().server(),
      "HTTP_PORT", Integer.toString(port), "HTTP_HOST", "127.0.0.1",
      "REDIS_PREFIX", "fd-limit-" + System.nanoTime()))) {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> live(port) == 200);

      for (int i = 0; i < IDLE_CONNECTIONS; i++) {
        Socket socket = new Socket();
        // the kernel completes the handshake from its backlog even when the process cannot accept
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        flood.add(socket);
      }

      long start = System.nanoTime();
      // the flood stays open
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> live(port) == 200);
      System.out.println("/health/live answered " + Duration.ofNanos(System.nanoTime() - start).toMillis()
        + " ms after " + IDLE_CONNECTIONS + " idle connections were opened");
      // accept() may still run out of descriptors for a moment while a burst outpaces the closing of
      // the connections over the cap; the process recovers from it instead of staying starved
    } finally {
      for (Socket socket : flood) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  /** A probe on a connection of its own, as a load balancer's would be. */
  private static int live(int port) {
    try (RawConnection probe = RawConnection.connect(port)) {
      return probe.send(RawConnection.request("GET", "/health/live", null)).readResponse(Duration.ofSeconds(2)).status();
    }
  }
}
