package io.isp.lock.bench;

import io.vertx.core.json.JsonObject;

/**
 * What one lock or unlock call got back, the same for HTTP and the event bus: the HTTP status (the
 * event bus's failure code), the JSON body if there was one, and for a transport failure status 0
 * and the error text.
 */
record Reply(int status, JsonObject body, String error) {

  static Reply failed(Throwable error) {
    return new Reply(0, null, error.getClass().getSimpleName() + ": " + error.getMessage());
  }

  boolean ok() {
    return status == 200;
  }

  /** A short label for the error table: {@code 409 lock_held}, {@code 503 redis_unavailable}, {@code failure: ...}. */
  String errorLabel() {
    if (status == 0) {
      return "failure: " + error;
    }
    String code = body == null ? null : body.getString("code");
    if (code == null && error != null) {
      code = error.split(":", 2)[0];
    }
    return status + (code == null ? "" : " " + code);
  }
}
