package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * What anyone may know about a lock: whether it is held, for how much longer, the holder's fencing
 * token, and how many calls wait for it. Never the lockKey.
 *
 * @param ttlMs remaining milliseconds; null when unlocked, or locked without a TTL by someone else
 * @param fencingToken null when unlocked, or locked by a client that issues none (the original service)
 * @param waiters calls blocked on this key now, on every instance sharing the Redis
 */
public record LockStatus(String key, boolean locked, Long ttlMs, Long fencingToken, int waiters) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("key", key)
      .put("locked", locked)
      .put("ttl", ttlMs == null ? null : ttlMs / 1000.0)
      .put("fencingToken", fencingToken)
      .put("waiters", waiters);
  }

  public static LockStatus fromJson(JsonObject json) {
    Number ttl = json.getNumber("ttl");
    return new LockStatus(json.getString("key"), json.getBoolean("locked", false),
      ttl == null ? null : Seconds.toMillis(ttl), json.getLong("fencingToken"), json.getInteger("waiters", 0));
  }
}
