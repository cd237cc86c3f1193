package io.isp.lock.api;

/**
 * Every failure of a lock operation, with its HTTP status and stable code. The same status is the
 * event-bus failure code, so HTTP and event-bus clients see the same thing.
 */
public enum ErrorCode implements ProblemCode {
  INVALID_JSON(400, "invalid_json", "Malformed request body"),
  INVALID_FIELD(400, "invalid_field", "Invalid request field"),
  /** A lock on several keys whose keys lie in more than one Redis Cluster hash slot. */
  CROSS_SLOT(400, "cross_slot", "Keys in more than one hash slot"),
  LOCK_HELD(409, "lock_held", "Lock is held"),
  NOT_HELD(409, "not_held", "Lock is not held"),
  NOT_OWNER(409, "not_owner", "Lock is held by another owner"),
  /** A semaphore acquire whose {@code permits} differs from the size its current holders gave. */
  PERMITS_MISMATCH(409, "permits_mismatch", "Semaphore size differs"),
  /** The caller went away while waiting (an HTTP client disconnected). Nobody is left to see it. */
  CANCELLED(499, "cancelled", "Client closed the request"),
  INTERNAL(500, "internal_error", "Internal error"),
  REDIS_UNAVAILABLE(503, "redis_unavailable", "Redis unavailable"),
  LOCK_SERVICE_UNAVAILABLE(503, "lock_service_unavailable", "Lock service unavailable"),
  SHUTTING_DOWN(503, "shutting_down", "Shutting down");

  private final int status;
  private final String code;
  private final String title;

  ErrorCode(int status, String code, String title) {
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
