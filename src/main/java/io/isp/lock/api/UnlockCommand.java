package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** A validated unlock request: release {@code key} if {@code lockKey} (the owner token) holds it. */
public record UnlockCommand(String key, String lockKey) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("lockKey", lockKey);
  }
}
