package io.isp.lock.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A validated lock request on several keys: take all of {@code keys} for {@code ttlMs} under one
 * lockKey, or none, waiting at most {@code waitMs} (0: try once) until every one is free.
 */
public record MultiLockCommand(List<String> keys, long ttlMs, long waitMs) {

  /** The most keys one lock may name. */
  public static final int MAX_KEYS = 64;

  public MultiLockCommand {
    keys = List.copyOf(keys);
  }

  /** The documented event-bus body, for callers that cannot send the typed command (across a cluster). */
  public JsonObject toJson() {
    return new JsonObject().put("keys", new JsonArray(keys)).put("ttl", Seconds.of(ttlMs))
      .put("waitTimeout", Seconds.of(waitMs));
  }

  /** {@code 'a'}, {@code 'a', 'b'} or {@code 'a', 'b' and 3 more}: a set named in a message. */
  public static String describe(List<String> keys) {
    int shown = Math.min(keys.size(), 2);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      text.append(i == 0 ? "'" : ", '").append(keys.get(i)).append('\'');
    }
    return keys.size() > shown ? text + " and " + (keys.size() - shown) + " more" : text.toString();
  }
}
