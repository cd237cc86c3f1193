package io.isp.lock.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failed lock operation as it crosses the event bus: the failure code is the HTTP status and the
 * message starts with the problem code ({@code "not_owner: ..."}); for a bad field the field's name
 * follows ({@code "invalid_field: ttl: must be ..."}).
 */
public final class LockException extends ReplyException {

  private final transient ErrorCode error;
  private final String field;
  private final String detail;

  public LockException(ErrorCode error, String detail) {
    this(error, null, detail);
  }

  public LockException(ErrorCode error, String field, String detail) {
    super(ReplyFailure.RECIPIENT_FAILURE, error.status(),
      error.code() + ": " + (field == null ? "" : field + ": ") + detail);
    this.error = error;
    this.field = field;
    this.detail = detail;
  }

  public static LockException invalidField(String field, String detail) {
    return new LockException(ErrorCode.INVALID_FIELD, field, detail);
  }

  /** Reads back what {@link #getMessage()} encodes, e.g. from a reply that crossed the cluster. */
  public static LockException fromReply(ReplyException reply) {
    if (reply instanceof LockException lockException) {
      return lockException;
    }
    String message = reply.getMessage() == null ? "" : reply.getMessage();
    int colon = message.indexOf(": ");
    ErrorCode error = colon < 0 ? ErrorCode.INTERNAL : ErrorCode.fromCode(message.substring(0, colon));
    String rest = colon < 0 ? message : message.substring(colon + 2);
    if (error == ErrorCode.INVALID_FIELD) {
      int fieldEnd = rest.indexOf(": ");
      if (fieldEnd > 0) {
        return new LockException(error, rest.substring(0, fieldEnd), rest.substring(fieldEnd + 2));
      }
    }
    return new LockException(error, rest);
  }

  public ErrorCode error() {
    return error;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  public String detail() {
    return detail;
  }
}
