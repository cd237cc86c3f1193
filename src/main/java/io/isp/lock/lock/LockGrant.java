package io.isp.lock.lock;

import io.vertx.core.json.JsonObject;

/** A lock that was granted: the owner token to unlock with and the TTL it was granted for. */
public record LockGrant(String key, String lockKey, long ttlMs) {

  public JsonObject toJson() {
    return new JsonObject().put("lockKey", lockKey);
  }
}
