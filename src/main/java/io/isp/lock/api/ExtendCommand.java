package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** A validated extend request: if {@code lockKey} holds {@code key}, its TTL becomes {@code ttlMs}, counted from now. */
public record ExtendCommand(String key, String lockKey, long ttlMs) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("lockKey", lockKey).put("ttl", Seconds.of(ttlMs));
  }
}
