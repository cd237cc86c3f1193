package io.isp.lock.lock;

/**
 * Every error a client can meet, with its HTTP status and stable machine-readable code. The same
 * status is the event-bus failure code, so HTTP and event-bus clients see the same thing.
 */
public enum ErrorCode {
  INVALID_JSON(400, "invalid_json", "Malformed request body"),
  INVALID_FIELD(400, "invalid_field", "Invalid request field"),
  /** HTTP layer: a request that is not valid HTTP/1.1 (request line, header syntax, no Host). */
  BAD_REQUEST(400, "bad_request", "Malformed HTTP request"),
  UNAUTHORIZED(401, "unauthorized", "Missing or unknown application token"),
  NOT_FOUND(404, "not_found", "No such endpoint"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
  LOCK_HELD(409, "lock_held", "Lock is held"),
  NOT_HELD(409, "not_held", "Lock is not held"),
  NOT_OWNER(409, "not_owner", "Lock is held by another owner"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "Request body too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "Unsupported media type"),
  /** HTTP layer: the request line is longer than the server reads. */
  URI_TOO_LONG(414, "uri_too_long", "Request URI too long"),
  /** HTTP layer: the request's header section is larger than the server reads. */
  REQUEST_HEADER_FIELDS_TOO_LARGE(431, "request_header_fields_too_large", "Request header fields too large"),
  /** Internal: the HTTP client went away while waiting. Nobody is left to see it. */
  CANCELLED(499, "cancelled", "Client closed the request"),
  INTERNAL(500, "internal_error", "Internal error"),
  REDIS_UNAVAILABLE(503, "redis_unavailable", "Redis unavailable"),
  LOCK_SERVICE_UNAVAILABLE(503, "lock_service_unavailable", "Lock service unavailable"),
  SHUTTING_DOWN(503, "shutting_down", "Shutting down"),
  /** HTTP layer: the process holds {@code http.maxConnections} connections already. */
  TOO_MANY_CONNECTIONS(503, "too_many_connections", "Too many connections");

  private final int status;
  private final String code;
  private final String title;

  ErrorCode(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  /** The constant whose {@link #code()} is {@code code}, or {@link #INTERNAL}. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode value : values()) {
      if (value.code.equals(code)) {
        return value;
      }
    }
    return INTERNAL;
  }
}
