package io.isp.lock.http;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.config.ConfigReader;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.support.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that leaves while its lock call waits, against the HTTP verticle alone: the test plays
 * the LockVerticle on the event bus, so it decides whether the grant or the disconnect comes first.
 */
@DisplayName("A client that leaves while waiting: its wait is cancelled, and a grant that crosses the disconnect is given back")
@ExtendWith(VertxExtension.class)
class ClientGoneTest {

  private int port;

  @BeforeEach
  void deployHttpVerticle(Vertx vertx, VertxTestContext test) {
    port = FreePorts.next();
    ServiceConfig config = ConfigReader.read(new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
      .put("redis", new JsonObject().put("server", "127.0.0.1:1")));
    vertx.deployVerticle(new HttpVerticle(config, HttpAdmission.create(config.http()))).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the disconnect comes first: the waiting call is cancelled by its request id")
  void disconnectFirst(Vertx vertx, VertxTestContext test) throws Exception {
    AtomicReference<Message<Object>> waiting = new AtomicReference<>();
    Checkpoint cancelled = test.checkpoint();
    vertx.eventBus().consumer(LockAddresses.LOCK, waiting::set);
    vertx.eventBus().<JsonObject>consumer(LockAddresses.CANCEL, cancel -> test.verify(() -> {
      assertThat(cancel.body().getString("requestId"))
        .isEqualTo(waiting.get().headers().get(LockAddresses.REQUEST_ID_HEADER));
      cancelled.flag();
    }));

    try (Socket client = sendLock("k")) {
      awaitCondition(() -> waiting.get() != null);
      test.verify(() -> assertThat(waiting.get().body()).isEqualTo(new LockCommand("k", 30_000, 60_000)));
    }
  }

  @Test
  @DisplayName("the grant comes after the disconnect: the HTTP verticle unlocks it at once")
  void grantAfterDisconnect(Vertx vertx, VertxTestContext test) throws Exception {
    AtomicReference<Message<Object>> waiting = new AtomicReference<>();
    Checkpoint givenBack = test.checkpoint();
    vertx.eventBus().consumer(LockAddresses.LOCK, waiting::set);
    // the client is gone (its cancel is out); only now does the grant arrive
    vertx.eventBus().consumer(LockAddresses.CANCEL, cancel ->
      waiting.get().reply(new LockGrant("k", "granted-late", 30_000, 5L)));
    vertx.eventBus().<Object>consumer(LockAddresses.UNLOCK, unlock -> test.verify(() -> {
      assertThat(unlock.body()).isEqualTo(new UnlockCommand("k", "granted-late"));
      unlock.reply(io.isp.lock.api.Released.INSTANCE);
      givenBack.flag();
    }));

    try (Socket client = sendLock("k")) {
      awaitCondition(() -> waiting.get() != null);
    }
  }

  /** A lock call over a raw socket that the caller closes to disconnect. */
  private Socket sendLock(String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    String body = new JsonObject().put("key", key).put("ttl", 30).put("waitTimeout", 60).encode();
    socket.getOutputStream().write(("POST /api/isp-lock-service/lock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
      .getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return socket;
  }

  private static void awaitCondition(java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(condition);
  }
}
