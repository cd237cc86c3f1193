package io.isp.lock.logging;

import org.slf4j.MDC;

/**
 * Puts a request id into the log records of one call, so that the JSON format carries it as the
 * field {@value #KEY} (a client's 500 names the id; this finds its line). Through SLF4J's MDC, which
 * is per thread: the id is set around the log call only, on the thread that makes it, and removed
 * after, so that it never leaks into another request's records on the same event loop.
 */
public final class RequestIdLog {

  /** The MDC key and the JSON field. */
  public static final String KEY = "requestId";

  private RequestIdLog() {
  }

  /** Runs {@code logCall} (one or more log statements) with {@code requestId} in their records. */
  public static void withRequestId(String requestId, Runnable logCall) {
    try (MDC.MDCCloseable ignored = MDC.putCloseable(KEY, requestId)) {
      logCall.run();
    }
  }
}
