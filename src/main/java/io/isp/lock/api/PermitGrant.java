package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A semaphore permit that was granted: its owner token ({@code lockKey}, which releases or extends
 * it), its fencing token, its TTL, and how many permits were held right after it was taken (itself included).
 */
public record PermitGrant(String key, String lockKey, long ttlMs, long fencingToken, int holders) {

  /** The HTTP and event-bus body; the key is not repeated (the caller named it). */
  public JsonObject toJson() {
    return new JsonObject()
      .put("lockKey", lockKey)
      .put("fencingToken", fencingToken)
      .put("ttl", Seconds.of(ttlMs))
      .put("holders", holders);
  }

  /** Reads a reply body of the semaphore acquire address for {@code key}. */
  public static PermitGrant fromJson(String key, JsonObject json) {
    return new PermitGrant(key, json.getString("lockKey"), Seconds.toMillis(json.getNumber("ttl")),
      json.getLong("fencingToken"), json.getInteger("holders"));
  }
}
