package io.isp.lock.http;

import io.isp.lock.support.HttpResult;
import io.isp.lock.support.LatencySample;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients without a valid token hammering the API on kept-alive connections, as fast as they are
 * answered, while a client with the token locks and unlocks. The refusals must all be 401 (never a
 * 5xx), no lock taken, and the legitimate client's median pair no slower than {@link #BOUND} times
 * its baseline plus a constant: the flood shares the event loop fairly, it does not starve anyone.
 */
@DisplayName("A flood of requests without a valid token: all 401, nothing locked, legitimate clients slowed within a stated bound")
class TokenFloodTest {

  private static final String TOKEN = "alpha-0123456789";
  private static final int FLOODERS = 4;
  private static final int PAIRS = 150;
  /**
   * Each flooder keeps one request in flight, so the event loop serves up to FLOODERS refusals per
   * legitimate request, and the flooders take CPU of the same 2 cores: a median up to
   * (FLOODERS + 1) x the baseline, plus 5 ms for scheduling noise on the shared machine.
   */
  private static final int BOUND = FLOODERS + 1;

  @RegisterExtension
  static final ServiceUnderTest service = ServiceUnderTest.onSharedRedis(new JsonObject()
    .put("http", new JsonObject().put("tokens", new JsonArray().add(TOKEN))));

  @Test
  void floodOfBadTokens() throws Exception {
    LatencySample.lockUnlockPairs(service.port(), "warm-up", 50, "X-Application-Token", TOKEN);
    LatencySample baseline = LatencySample.lockUnlockPairs(service.port(), "legit", PAIRS, "X-Application-Token", TOKEN);

    // no token; the token of the right length with one letter changed; the same in upper case
    List<String> badTokens = List.of("", "alpha-0123456788", "ALPHA-0123456789", "alpha-012345678");
    AtomicBoolean flooding = new AtomicBoolean(true);
    LongAdder refused = new LongAdder();
    Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    List<Thread> flooders = new ArrayList<>();
    for (int f = 0; f < FLOODERS; f++) {
      int first = f;
      Thread flooder = new Thread(() -> {
        try (RawConnection connection = RawConnection.connect(service.port())) {
          for (int i = first; flooding.get(); i++) {
            String token = badTokens.get(i % badTokens.size());
            String body = "{\"key\": \"flood\", \"ttl\": 60}";
            connection.send("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + (token.isEmpty() ? "" : "X-Application-Token: " + token + "\r\n")
              + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            HttpResult result = connection.readResponse(Duration.ofSeconds(10));
            statuses.merge(result.status(), 1L, Long::sum);
            refused.increment();
          }
        }
      }, "flooder-" + f);
      flooder.start();
      flooders.add(flooder);
    }
    LatencySample underFlood;
    long floodStart = System.nanoTime();
    try {
      underFlood = LatencySample.lockUnlockPairs(service.port(), "legit", PAIRS, "X-Application-Token", TOKEN);
    } finally {
      flooding.set(false);
      for (Thread flooder : flooders) {
        flooder.join(10_000);
      }
    }
    double seconds = (System.nanoTime() - floodStart) / 1e9;

    assertThat(statuses).containsOnlyKeys(401);
    assertThat(service.get(API + "/locks/flood", "X-Application-Token", TOKEN).json().getBoolean("locked")).isFalse();
    System.out.printf("FIGURES token-flood: %d refusals (all 401) in %.1f s from %d connections; legitimate client baseline %s, "
      + "under the flood %s (bound: median <= %d x %.1f + 5 ms)%n", refused.sum(), seconds, FLOODERS, baseline, underFlood,
      BOUND, baseline.medianMs());
    assertThat(underFlood.medianMs()).isLessThanOrEqualTo(BOUND * baseline.medianMs() + 5);
  }
}
