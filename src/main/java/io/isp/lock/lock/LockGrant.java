package io.isp.lock.lock;

import io.vertx.core.json.JsonObject;

/** A lock that was granted (or extended): the owner token, the fencing token and the TTL granted. */
public record LockGrant(String key, String lockKey, long ttlMs, long fencingToken) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("lockKey", lockKey)
      .put("fencingToken", fencingToken)
      .put("ttl", seconds(ttlMs));
  }

  /** Whole seconds print as integers ({@code 20}), others as fractions ({@code 0.25}). */
  static Number seconds(long millis) {
    return millis % 1000 == 0 ? (Number) (millis / 1000) : (Number) (millis / 1000.0);
  }
}
