package io.isp.lock.engine;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockException;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.isp.lock.support.ServiceUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Event-bus addresses take and return the HTTP bodies; failures carry the HTTP status and problem code")
class EventBusApiTest {

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
  void lockAndUnlockOverTheEventBus() {
    JsonObject granted = request(LockAddresses.LOCK, new JsonObject().put("key", "eb").put("ttl", 30));
    String lockKey = granted.getString("lockKey");
    assertThat(service.redis("GET", service.redisKey("eb"))).isEqualTo(lockKey);

    ReplyException notOwner = fail(LockAddresses.UNLOCK, new JsonObject().put("key", "eb").put("lockKey", "nope"));
    assertThat(notOwner.failureCode()).isEqualTo(409);
    assertThat(notOwner.getMessage()).startsWith("not_owner: ");

    assertThat(request(LockAddresses.UNLOCK, new JsonObject().put("key", "eb").put("lockKey", lockKey))).isEmpty();
  }

  @Test
  void invalidBodiesFailWith400NamingTheField() {
    ReplyException invalid = fail(LockAddresses.LOCK, new JsonObject().put("key", "eb").put("ttl", -1));
    assertThat(invalid.failureCode()).isEqualTo(400);
    assertThat(invalid.getMessage()).startsWith("invalid_field: ttl: ");
    assertThat(LockException.fromReply(invalid).field()).isEqualTo("ttl");

    ReplyException notJson = catchThrowableOfType(ReplyException.class,
      () -> await(service.vertx().eventBus().request(LockAddresses.LOCK, "key=eb")));
    assertThat(notJson.failureCode()).isEqualTo(400);
    assertThat(notJson.getMessage()).startsWith("invalid_json: ");
  }

  private static JsonObject request(String address, JsonObject body) {
    return await(service.vertx().eventBus().<JsonObject>request(address, body)).body();
  }

  private static ReplyException fail(String address, JsonObject body) {
    return catchThrowableOfType(ReplyException.class, () -> request(address, body));
  }
}
