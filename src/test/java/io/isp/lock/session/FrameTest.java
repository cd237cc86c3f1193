package io.isp.lock.session;

import io.isp.lock.api.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Session frames: strict JSON, an id to repeat, a known op; the problem keeps the id it could read")
class FrameTest {

  @Test
  @DisplayName("a request: its id (number or string, as sent), its op and its fields")
  void request() throws Frame.Invalid {
    Frame frame = Frame.parse("{\"id\": 7, \"op\": \"lock\", \"key\": \"k\", \"ttl\": 10}");
    assertThat(frame.id()).isEqualTo(7);
    assertThat(frame.op()).isEqualTo(Frame.Op.LOCK);
    assertThat(frame.body().getString("key")).isEqualTo("k");
    assertThat(Frame.parse("{\"id\": \"a-1\", \"op\": \"status\", \"key\": \"k\"}").id()).isEqualTo("a-1");
    assertThat(Frame.parse("{\"id\": 8, \"op\": \"semaphore.acquire\", \"key\": \"k\", \"permits\": 3}").op())
      .isEqualTo(Frame.Op.SEMAPHORE_ACQUIRE);
    assertThat(Frame.parse("{\"id\": 9, \"op\": \"semaphore.status\", \"key\": \"k\"}").op()).isEqualTo(Frame.Op.SEMAPHORE_STATUS);
  }

  @Test
  @DisplayName("not JSON, not an object, a lone surrogate: invalid_json without an id")
  void invalidJson() {
    for (String text : new String[] {"", "nope", "[1]", "{\"id\": 1, \"op\": \"status\", \"key\": \"\\udc00\"}"}) {
      Frame.Invalid invalid = catchThrowableOfType(Frame.Invalid.class, () -> Frame.parse(text));
      assertThat(invalid).as(text).isNotNull();
      assertThat(invalid.problem().error()).isEqualTo(ErrorCode.INVALID_JSON);
      assertThat(invalid.id()).isNull();
    }
  }

  @Test
  @DisplayName("id missing or not a number or string: invalid_field id; op missing or unknown: invalid_field op, with the id")
  void invalidFields() {
    Frame.Invalid noId = catchThrowableOfType(Frame.Invalid.class, () -> Frame.parse("{\"op\": \"lock\"}"));
    assertThat(noId.problem().field()).isEqualTo("id");
    assertThat(noId.id()).isNull();
    Frame.Invalid objectId = catchThrowableOfType(Frame.Invalid.class, () -> Frame.parse("{\"id\": {}, \"op\": \"lock\"}"));
    assertThat(objectId.problem().field()).isEqualTo("id");
    Frame.Invalid noOp = catchThrowableOfType(Frame.Invalid.class, () -> Frame.parse("{\"id\": 3}"));
    assertThat(noOp.problem().field()).isEqualTo("op");
    assertThat(noOp.id()).isEqualTo(3);
    Frame.Invalid unknownOp = catchThrowableOfType(Frame.Invalid.class, () -> Frame.parse("{\"id\": 4, \"op\": \"LOCK\"}"));
    assertThat(unknownOp.problem().field()).isEqualTo("op");
    assertThat(unknownOp.id()).isEqualTo(4);
  }

  @Test
  @DisplayName("replies: ok with the HTTP body's fields; a failure with status, code, detail and field; lost with the fencing token (and a semaphore's primitive)")
  void replies() {
    assertThat(Replies.ok(1, new JsonObject().put("lockKey", "x").put("ttl", 10)))
      .isEqualTo(new JsonObject().put("id", 1).put("ok", true).put("lockKey", "x").put("ttl", 10));
    assertThat(Replies.failed(2, io.isp.lock.api.LockException.invalidField("ttl", "must be > 0")))
      .isEqualTo(new JsonObject().put("id", 2).put("ok", false).put("status", 400).put("code", "invalid_field")
        .put("detail", "ttl: must be > 0").put("field", "ttl"));
    assertThat(Replies.failed(null, new io.isp.lock.api.LockException(ErrorCode.INVALID_JSON, "bad")).containsKey("id")).isFalse();
    assertThat(Replies.lost("k", 42L)).isEqualTo(new JsonObject().put("event", "lost").put("key", "k").put("fencingToken", 42L));
    assertThat(Replies.lost(new Held(new Claim(Primitive.LOCK, "k"), "x", 1000, 42L))).as("a lock's event has no primitive")
      .isEqualTo(new JsonObject().put("event", "lost").put("key", "k").put("fencingToken", 42L));
    assertThat(Replies.lost(new Held(new Claim(Primitive.SEMAPHORE, "k"), "x", 1000, 43L)))
      .isEqualTo(new JsonObject().put("event", "lost").put("key", "k").put("fencingToken", 43L).put("primitive", "semaphore"));
  }
}
