package io.isp.lock.engine;

import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockException;
import io.isp.lock.support.TestConfigs;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The event-bus API: a co-deployed verticle sends the documented JSON and gets JSON back")
@ExtendWith(VertxExtension.class)
class EventBusApiTest {

  @BeforeEach
  void deployLockVerticle(Vertx vertx, VertxTestContext test) {
    vertx.deployVerticle(new LockVerticle(TestConfigs.lockNode())).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("lock, an unlock with the wrong lockKey (409 not_owner), then the right one ({})")
  void lockAndUnlock(Vertx vertx, VertxTestContext test) {
    EventBus bus = vertx.eventBus();
    bus.<JsonObject>request(LockAddresses.LOCK, new JsonObject().put("key", "eb").put("ttl", 30))
      .compose(granted -> {
        String lockKey = granted.body().getString("lockKey");
        test.verify(() -> {
          assertThat(lockKey).hasSize(24);
          assertThat(granted.body().getLong("fencingToken")).isPositive();
          assertThat(granted.body().getInteger("ttl")).isEqualTo(30);
        });
        return bus.<JsonObject>request(LockAddresses.UNLOCK, new JsonObject().put("key", "eb").put("lockKey", "nope"))
          .transform(notOwner -> {
            test.verify(() -> {
              assertThat(notOwner.failed()).isTrue();
              ReplyException failure = (ReplyException) notOwner.cause();
              assertThat(failure.failureCode()).isEqualTo(409);
              assertThat(failure.getMessage()).startsWith("not_owner: ");
            });
            return bus.<JsonObject>request(LockAddresses.UNLOCK, new JsonObject().put("key", "eb").put("lockKey", lockKey));
          });
      })
      .onComplete(test.succeeding(unlocked -> test.verify(() -> {
        assertThat(unlocked.body()).isEqualTo(new JsonObject());
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("an invalid field fails with 400 naming it; a body that is not JSON with 400 invalid_json")
  void invalidBodies(Vertx vertx, VertxTestContext test) {
    EventBus bus = vertx.eventBus();
    bus.request(LockAddresses.LOCK, new JsonObject().put("key", "eb").put("ttl", -1))
      .onComplete(test.failing(invalid -> test.verify(() -> {
        ReplyException failure = (ReplyException) invalid;
        assertThat(failure.failureCode()).isEqualTo(400);
        assertThat(failure.getMessage()).startsWith("invalid_field: ttl: ");
        assertThat(LockException.fromReply(failure).field()).isEqualTo("ttl");
      })))
      .recover(ignored -> bus.request(LockAddresses.LOCK, "key=eb"))
      .onComplete(test.failing(notJson -> test.verify(() -> {
        assertThat(((ReplyException) notJson).failureCode()).isEqualTo(400);
        assertThat(notJson.getMessage()).startsWith("invalid_json: ");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("status of a free key, over the event bus")
  void statusOfAFreeKey(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<JsonObject>request(LockAddresses.STATUS, new JsonObject().put("key", "free"))
      .onComplete(test.succeeding(reply -> test.verify(() -> {
        assertThat(reply.body()).isEqualTo(new JsonObject().put("key", "free").put("locked", false)
          .putNull("ttl").putNull("fencingToken").put("waiters", 0).putNull("mode").put("readers", 0));
        test.completeNow();
      })));
  }
}
