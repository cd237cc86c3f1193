package io.isp.lock.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A lock on several keys that was granted (or extended): one owner token ({@code lockKey}) and one
 * fencing token for the whole set, and the TTL granted, the same on every key.
 *
 * @param fencingToken null only when extending keys that a client of the original service locked (it issues none)
 */
public record MultiLockGrant(List<String> keys, String lockKey, long ttlMs, Long fencingToken) {

  public MultiLockGrant {
    keys = List.copyOf(keys);
  }

  /** The single-key answer ({@link LockGrant#toJson}) plus {@code keys}, as the caller named them. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("lockKey", lockKey)
      .put("fencingToken", fencingToken)
      .put("ttl", Seconds.of(ttlMs))
      .put("keys", new JsonArray(keys));
  }

  /** Reads a reply body of the lock or extend address for {@code keys}. */
  public static MultiLockGrant fromJson(List<String> keys, JsonObject json) {
    return new MultiLockGrant(keys, json.getString("lockKey"), Seconds.toMillis(json.getNumber("ttl")),
      json.getLong("fencingToken"));
  }
}
