package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/** The reply to an unlock that released the lock (or handed it to the next waiter): {@code {}} on the wire. */
public record Released() {

  public static final Released INSTANCE = new Released();

  public JsonObject toJson() {
    return new JsonObject();
  }
}
