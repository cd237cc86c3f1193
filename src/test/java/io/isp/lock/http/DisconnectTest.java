package io.isp.lock.http;

import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("A client that disconnects while waiting leaves no waiter and no orphaned lock")
class DisconnectTest {

  private static ServiceUnderTest service;

  @BeforeAll
  static void start() {
    service = ServiceUnderTest.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  @DisplayName("the wait ends at once, and the next unlock frees the key instead of handing it to the gone client")
  void disconnectWhileWaiting() throws Exception {
    String holder = service.lockKeyFor("left", 60);
    try (Socket client = sendLock("left", 30)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> service.waiters() == 1);
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> service.waiters() == 0);

    assertThat(service.unlock("left", holder).status()).isEqualTo(200);
    assertThat(service.get(API + "/locks/left").json().getBoolean("locked")).isFalse();
  }

  @Test
  @DisplayName("a lock granted as the client leaves is released, not left to its TTL")
  void grantedAsTheClientLeaves() throws Exception {
    // the holder's lock runs out 300 ms from now, so the grant and the disconnect race
    service.lockKeyFor("race", 0.3);
    try (Socket client = sendLock("race", 60)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> service.waiters() == 1
        || service.get(API + "/locks/race").json().getDouble("ttl", 0.0) > 1);
    }
    // whichever won, no lock with the waiter's 60 s TTL may remain
    await().atMost(Duration.ofSeconds(3))
      .until(() -> !service.get(API + "/locks/race").json().getBoolean("locked"));
    assertThat(service.waiters()).isZero();
  }

  /** Sends a blocking lock request over a raw socket that the caller closes to disconnect. */
  private static Socket sendLock(String key, double ttl) throws IOException {
    Socket socket = new Socket("127.0.0.1", service.port());
    String body = new JsonObject().put("key", key).put("ttl", ttl).put("waitTimeout", 30).encode();
    OutputStream out = socket.getOutputStream();
    out.write(("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
      .getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }
}
