package io.isp.lock.http;

import io.isp.lock.api.ProblemCode;

/** Problems only the HTTP layer meets; the lock operations' own are {@link io.isp.lock.api.ErrorCode}. */
enum HttpError implements ProblemCode {
  /** A request that is not valid HTTP/1.1 (request line, header syntax, no Host). */
  BAD_REQUEST(400, "bad_request", "Malformed HTTP request"),
  UNAUTHORIZED(401, "unauthorized", "Missing or unknown application token"),
  /** The token is valid but may not do this (force-unlock needs an admin token). */
  FORBIDDEN(403, "forbidden", "Forbidden"),
  NOT_FOUND(404, "not_found", "No such endpoint"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "Request body too large"),
  /** The request line is longer than the server reads. */
  URI_TOO_LONG(414, "uri_too_long", "Request URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "Unsupported media type"),
  /** The request's header section is larger than the server reads. */
  REQUEST_HEADER_FIELDS_TOO_LARGE(431, "request_header_fields_too_large", "Request header fields too large"),
  /** The process holds {@code http.maxConnections} connections already. */
  TOO_MANY_CONNECTIONS(503, "too_many_connections", "Too many connections");

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
