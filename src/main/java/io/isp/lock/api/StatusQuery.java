package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** A validated status request: what anyone may know about {@code key}. */
public record StatusQuery(String key) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key);
  }
}
