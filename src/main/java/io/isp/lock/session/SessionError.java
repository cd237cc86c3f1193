package io.isp.lock.session;

import io.isp.lock.api.ProblemCode;

/** What a session refuses beyond {@link io.isp.lock.api.ErrorCode}'s: more than it will keep track of for one peer. */
enum SessionError implements ProblemCode {
  /** Locks held and lock calls in progress, together, at {@link Session#MAX_LOCKS}. */
  TOO_MANY_LOCKS(429, "too_many_locks", "Too many locks in this session"),
  /** Requests awaiting their reply at {@link Session#MAX_PENDING}. */
  TOO_MANY_REQUESTS(429, "too_many_requests", "Too many requests in progress in this session");

  private final int status;
  private final String code;
  private final String title;

  SessionError(int status, String code, String title) {
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
