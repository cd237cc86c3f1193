package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * What anyone may know about a semaphore: its size, how many permits are held, and how many calls
 * wait for one. Never the holders' lockKeys.
 *
 * @param permits the size its holders gave; null when no permit is held (the size is not kept then)
 * @param waiters calls blocked for a permit now, on every instance sharing the Redis
 */
public record SemaphoreStatus(String key, Integer permits, int holders, int waiters) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("key", key)
      .put("permits", permits)
      .put("holders", holders)
      .put("waiters", waiters);
  }

  public static SemaphoreStatus fromJson(JsonObject json) {
    return new SemaphoreStatus(json.getString("key"), json.getInteger("permits"), json.getInteger("holders", 0),
      json.getInteger("waiters", 0));
  }
}
