package io.isp.lock.session;

import io.isp.lock.api.LockException;
import io.isp.lock.api.ProblemCode;
import io.vertx.core.json.JsonObject;

/**
 * What a session sends: a reply to a request ({@code id}, {@code ok}, then the HTTP answer's body, or
 * the problem's {@code status}, {@code code}, {@code detail} and {@code field}), or an event
 * ({@code event}, never an {@code id}).
 */
final class Replies {

  private Replies() {
  }

  /** {@code body}: what HTTP answers with 200 (the grant, the status, {@code {}} for an unlock). */
  static JsonObject ok(Object id, JsonObject body) {
    JsonObject reply = new JsonObject().put("id", id).put("ok", true);
    body.forEach(field -> reply.put(field.getKey(), field.getValue()));
    return reply;
  }

  static JsonObject failed(Object id, LockException problem) {
    return failed(id, problem.error(), problem.field(), problem.detail());
  }

  /** The fields of HTTP's problem+json that a program reads; {@code id} is left out when null (it could not be read). */
  static JsonObject failed(Object id, ProblemCode error, String field, String detail) {
    JsonObject reply = new JsonObject();
    if (id != null) {
      reply.put("id", id);
    }
    reply.put("ok", false)
      .put("status", error.status())
      .put("code", error.code())
      .put("detail", field == null ? detail : field + ": " + detail);
    if (field != null) {
      reply.put("field", field);
    }
    return reply;
  }

  /** The session held {@code key} and a renewal found it gone: the session has forgotten it. */
  static JsonObject lost(String key, Long fencingToken) {
    return new JsonObject().put("event", "lost").put("key", key).put("fencingToken", fencingToken);
  }

  /** As {@link #lost(String, Long)}, with {@code primitive} when the primitive has a tag (a lock has none: its event is as it always was). */
  static JsonObject lost(Held held) {
    JsonObject event = held.keys == null ? lost(held.key(), held.fencingToken)
      // a lock on several keys: its keys in place of the key
      : new JsonObject().put("event", "lost").put("keys", new io.vertx.core.json.JsonArray(held.keys))
        .put("fencingToken", held.fencingToken);
    String tag = held.primitive().lostTag();
    return tag == null ? event : event.put("primitive", tag);
  }
}
