package io.isp.lock.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A way to reach the service: HTTP or the event bus. The futures never fail: a failure is a {@link Reply} with status 0. */
interface Transport {

  Future<Reply> lock(JsonObject body);

  Future<Reply> unlock(JsonObject body);
}
