package io.isp.lock.support;

import io.vertx.core.json.JsonObject;

import java.net.http.HttpHeaders;

/** One HTTP response as a client sees it: status, headers and the exact body text. */
public record HttpResult(int status, HttpHeaders headers, String body) {

  public JsonObject json() {
    return new JsonObject(body);
  }

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** The problem's {@code code}, for error responses. */
  public String code() {
    return json().getString("code");
  }

  @Override
  public String toString() {
    return status + " " + body;
  }
}
