package io.isp.lock.api;

import io.isp.lock.config.LockLimits;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("LockRequests: each field of each request, valid and not")
class LockRequestsTest {

  private static final LockLimits LIMITS = new LockLimits(16, Duration.ofSeconds(100), Duration.ofSeconds(60), Duration.ofSeconds(5));
  private final LockRequests requests = new LockRequests(LIMITS, Duration.ofSeconds(30));

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  /** The field and the start of the detail a rejection names. */
  private static LockException rejected(Runnable validation) {
    LockException failure = catchThrowableOfType(LockException.class, validation::run);
    assertThat(failure).as("rejected").isNotNull();
    assertThat(failure.error()).isEqualTo(ErrorCode.INVALID_FIELD);
    return failure;
  }

  @Nested
  @DisplayName("lock")
  class Lock {

    @Test
    @DisplayName("defaults: ttl from redis.defaultTimeOut, waitTimeout from lock.defaultWaitTimeout")
    void defaults() {
      assertThat(requests.lock(json("{\"key\": \"k\"}"))).isEqualTo(new LockCommand("k", 30_000, 5_000));
    }

    @Test
    @DisplayName("mode: write by default, \"read\" or \"write\"; anything else is invalid_field naming mode")
    void mode() {
      assertThat(requests.lock(json("{\"key\": \"k\"}")).mode()).isEqualTo(LockMode.WRITE);
      assertThat(requests.lock(json("{\"key\": \"k\", \"mode\": \"write\"}")).mode()).isEqualTo(LockMode.WRITE);
      assertThat(requests.lock(json("{\"key\": \"k\", \"mode\": \"read\"}")))
        .isEqualTo(new LockCommand("k", 30_000, 5_000, LockMode.READ));
      for (String mode : List.of("\"READ\"", "\"\"", "\"exclusive\"", "1", "true", "[\"read\"]")) {
        assertThat(rejected(() -> requests.lock(json("{\"key\": \"k\", \"mode\": " + mode + "}"))).field())
          .as(mode).isEqualTo("mode");
      }
      assertThat(requests.semaphoreAcquire(json("{\"key\": \"k\", \"permits\": 2, \"mode\": \"exclusive\"}")).permits())
        .as("a semaphore has no mode: the field is ignored as any unknown one").isEqualTo(2);
      assertThat(rejected(() -> requests.multiLock(json("{\"keys\": [\"a\", \"b\"], \"mode\": \"read\"}"))).field())
        .as("a lock on several keys is a write lock").isEqualTo("mode");
      assertThat(requests.multiLock(json("{\"keys\": [\"a\", \"b\"], \"mode\": \"write\"}")).keys()).containsExactly("a", "b");
    }

    @Test
    @DisplayName("seconds with fractions down to the millisecond; waitTimeout 0 tries once")
    void fractions() {
      assertThat(requests.lock(json("{\"key\": \"k\", \"ttl\": 0.25, \"waitTimeout\": 0}")))
        .isEqualTo(new LockCommand("k", 250, 0));
      assertThat(requests.lock(json("{\"key\": \"k\", \"ttl\": 100, \"waitTimeout\": 60}")))
        .as("the limits themselves are allowed").isEqualTo(new LockCommand("k", 100_000, 60_000));
    }

    @Test
    @DisplayName("ttlInSec is the original's name for ttl; ttl wins when both are given")
    void ttlInSec() {
      assertThat(requests.lock(json("{\"key\": \"k\", \"ttlInSec\": 7}")).ttlMs()).isEqualTo(7_000);
      assertThat(requests.lock(json("{\"key\": \"k\", \"ttlInSec\": 7, \"ttl\": 9}")).ttlMs()).isEqualTo(9_000);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
      "{}                                      | key         | is required",
      "{\"key\": null}                         | key         | is required",
      "{\"key\": \"\"}                         | key         | must not be empty",
      "{\"key\": 5}                            | key         | must be a string",
      "{\"key\": \"0123456789abcdefg\"}        | key         | must be at most 16 UTF-8 bytes",
      "{\"key\": \"ééééééééé\"}                | key         | must be at most 16 UTF-8 bytes, got 18",
      "{\"key\": \"\\udbff\"}                  | key         | must be Unicode text",
      "{\"key\": \"k\", \"ttl\": \"20\"}       | ttl         | must be a number of seconds",
      "{\"key\": \"k\", \"ttl\": 0}            | ttl         | must be > 0",
      "{\"key\": \"k\", \"ttl\": -1}           | ttl         | must be > 0",
      "{\"key\": \"k\", \"ttl\": 0.0004}       | ttl         | must be at least 0.001 seconds",
      "{\"key\": \"k\", \"ttl\": 100.001}      | ttl         | must be at most 100 seconds",
      "{\"key\": \"k\", \"ttl\": 1e400}        | ttl         | must be at most 100 seconds",
      "{\"key\": \"k\", \"ttlInSec\": true}    | ttlInSec    | must be a number of seconds",
      "{\"key\": \"k\", \"waitTimeout\": -0.5} | waitTimeout | must be >= 0",
      "{\"key\": \"k\", \"waitTimeout\": 61}   | waitTimeout | must be at most 60 seconds",
      "{\"key\": \"k\", \"waitTimeout\": [1]}  | waitTimeout | must be a number of seconds",
    })
    void rejections(String body, String field, String detail) {
      LockException failure = rejected(() -> requests.lock(json(body)));
      assertThat(failure.field()).isEqualTo(field);
      assertThat(failure.detail()).startsWith(detail);
    }
  }

  @Nested
  @DisplayName("unlock, extend and status")
  class Others {

    @Test
    @DisplayName("valid bodies become their commands; unknown fields are ignored")
    void valid() {
      assertThat(requests.unlock(json("{\"key\": \"k\", \"lockKey\": \"L\", \"colour\": 1}"))).isEqualTo(new UnlockCommand("k", "L"));
      assertThat(requests.extend(json("{\"key\": \"k\", \"lockKey\": \"L\"}"))).isEqualTo(new ExtendCommand("k", "L", 30_000));
      assertThat(requests.extend(json("{\"key\": \"k\", \"lockKey\": \"L\", \"ttl\": 2}"))).isEqualTo(new ExtendCommand("k", "L", 2_000));
      assertThat(requests.status(json("{\"key\": \"k\"}"))).isEqualTo(new StatusQuery("k"));
    }

    @ParameterizedTest(name = "unlock {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
      "{\"lockKey\": \"L\"}              | key",
      "{\"key\": \"k\"}                  | lockKey",
      "{\"key\": \"k\", \"lockKey\": 1}  | lockKey",
      "{\"key\": \"k\", \"lockKey\": \"\"} | lockKey",
    })
    void unlockRejections(String body, String field) {
      assertThat(rejected(() -> requests.unlock(json(body))).field()).isEqualTo(field);
    }

    @ParameterizedTest(name = "extend {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
      "{\"key\": \"k\"}                                 | lockKey",
      "{\"key\": \"k\", \"lockKey\": \"L\", \"ttl\": 0}  | ttl",
      "{\"key\": \"k\", \"lockKey\": \"L\", \"ttl\": 101} | ttl",
    })
    void extendRejections(String body, String field) {
      assertThat(rejected(() -> requests.extend(json(body))).field()).isEqualTo(field);
    }

    @Test
    @DisplayName("status needs a key like every other request")
    void statusRejection() {
      assertThat(rejected(() -> requests.status(json("{}"))).field()).isEqualTo("key");
    }
  }

  @Test
  @DisplayName("a rejection crosses the event bus and reads back as it was")
  void roundTripThroughTheReplyMessage() {
    LockException original = LockException.invalidField("ttl", "must be > 0");
    LockException readBack = LockException.fromReply(new io.vertx.core.eventbus.ReplyException(
      io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, original.failureCode(), original.getMessage()));
    assertThat(readBack.error()).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(readBack.field()).isEqualTo("ttl");
    assertThat(readBack.detail()).isEqualTo("must be > 0");
  }
}
