package io.isp.lock.http;

import io.isp.lock.support.LatencySample;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 200 slowloris connections at a time, each sending its request header one byte every 100 ms (its
 * ~110 bytes would take 11 s), replaced as soon as one is cut, while a normal client locks and
 * unlocks for three idle timeouts. IdleTimeoutTest shows one such connection cut; this shows many cut on time, and the
 * normal client not starved by them.
 */
@DisplayName("Slow clients sending byte by byte are cut off by http.idleTimeout and do not starve a normal client")
class SlowClientsTest {

  private static final Duration IDLE = Duration.ofSeconds(1);
  private static final int SLOW = 200;
  /** Timers fire late on a busy shared machine, never early. */
  private static final Duration CUT_WITHIN = IDLE.plusSeconds(3);
  private static final byte[] HEADER = ("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    + "Content-Length: 20\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
    .put("http", new JsonObject().put("idleTimeout", IDLE.toMillis() + "ms")));

  /** One slow client: when it opened, how many bytes it got out, when it saw the close, and what it received. */
  private static final class Slow {
    final SocketChannel channel;
    final long openedAt = System.nanoTime();
    int sent;
    long closedAt;
    int received;

    Slow(int port) throws IOException {
      channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      channel.configureBlocking(false);
    }

    /** Sends the next byte and reads what is there; true once the server has closed the connection. */
    boolean tick() {
      try {
        ByteBuffer in = ByteBuffer.allocate(1024);
        int read = channel.read(in);
        if (read > 0) {
          received += read;
        }
        if (read < 0) {
          return true;
        }
        if (sent < HEADER.length) {
          sent += channel.write(ByteBuffer.wrap(HEADER, sent, 1));
        }
        return false;
      } catch (IOException reset) {
        return true;
      }
    }
  }

  @Test
  void cutOffAndNoStarvation() throws Exception {
    LatencySample.lockUnlockPairs(service.port(), "warm-up", 50);
    LatencySample baseline = LatencySample.lockUnlockPairs(service.port(), "normal", 100);

    List<Slow> open = new ArrayList<>();
    List<Slow> cut = new ArrayList<>();
    for (int i = 0; i < SLOW; i++) {
      open.add(new Slow(service.port()));
    }
    boolean[] replacing = {true};
    Thread trickler = new Thread(() -> {
      while (!open.isEmpty() && System.nanoTime() - open.get(0).openedAt < Duration.ofSeconds(30).toNanos()) {
        synchronized (open) {
          for (Slow slow : List.copyOf(open)) {
            if (slow.tick()) {
              slow.closedAt = System.nanoTime();
              open.remove(slow);
              cut.add(slow);
              try {
                slow.channel.close();
                if (replacing[0]) {
                  open.add(new Slow(service.port()));
                }
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
          }
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the slow clients' pace, not a wait for the service
      }
    }, "slow-clients");
    trickler.start();

    // for three idle timeouts: slow clients are cut and replaced all along
    LatencySample underSlowClients = LatencySample.lockUnlockPairsFor(IDLE.multipliedBy(3), service.port(), "normal");
    synchronized (open) {
      replacing[0] = false;
    }
    trickler.join(CUT_WITHIN.plusSeconds(30).toMillis());
    assertThat(open).as("slow connections still open").isEmpty();

    assertThat(cut).allSatisfy(slow -> {
      Duration lived = Duration.ofNanos(slow.closedAt - slow.openedAt);
      assertThat(slow.received).as("bytes a slow client received").isZero();
      assertThat(slow.sent).as("header bytes a slow client got out").isLessThan(HEADER.length);
      assertThat(lived).isBetween(IDLE.minusMillis(100), CUT_WITHIN);
    });
    long slowestCutMs = cut.stream().mapToLong(slow -> (slow.closedAt - slow.openedAt) / 1_000_000).max().orElse(0);
    System.out.printf("FIGURES slow-clients: %d slowloris connections (%d at a time) cut after at most %d ms "
        + "(http.idleTimeout %d ms), none answered; normal client baseline %s, meanwhile %s (bound: median <= 3 x %.1f + 5 ms)%n",
      cut.size(), SLOW, slowestCutMs, IDLE.toMillis(), baseline, underSlowClients, baseline.medianMs());
    assertThat(underSlowClients.medianMs()).isLessThanOrEqualTo(3 * baseline.medianMs() + 5);
  }
}
