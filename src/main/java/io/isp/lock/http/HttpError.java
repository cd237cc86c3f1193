package io.isp.lock.http;

import io.isp.lock.api.ProblemCode;

/** Problems only the HTTP layer meets; the lock operations' own are {@link io.isp.lock.api.ErrorCode}. */
enum HttpError implements ProblemCode {
  UNAUTHORIZED(401, "unauthorized", "Missing or unknown application token"),
  NOT_FOUND(404, "not_found", "No such endpoint"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "Request body too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "Unsupported media type");

  private final int status;
  private final String code;
  private final String title;

  HttpError(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String code() {
    return code;
  }

  @Override
  public String title() {
    return title;
  }
}
