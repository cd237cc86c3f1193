package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A force-unlock that removed a lock: {@code {"released": true, "fencingToken": ...}} on the wire.
 *
 * @param fencingToken the removed holder's fencing token; null if its holder had none (the original service's)
 */
public record ForceReleased(String key, Long fencingToken) {

  public JsonObject toJson() {
    return new JsonObject().put("released", true).put("fencingToken", fencingToken);
  }

  public static ForceReleased fromJson(String key, JsonObject json) {
    return new ForceReleased(key, json.getLong("fencingToken"));
  }
}
