package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** A validated lock request: take {@code key} for {@code ttlMs}, waiting at most {@code waitMs} (0: try once). */
public record LockCommand(String key, long ttlMs, long waitMs) {

  /** The documented event-bus body, for callers that cannot send the typed command (across a cluster). */
  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("ttl", Seconds.of(ttlMs)).put("waitTimeout", Seconds.of(waitMs));
  }
}
