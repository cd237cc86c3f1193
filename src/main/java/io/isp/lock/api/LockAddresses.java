package io.isp.lock.api;

/** Event-bus addresses of the lock service. LOCK, UNLOCK, EXTEND, STATUS are public API: they take and return the HTTP bodies. */
public final class LockAddresses {

  public static final String LOCK = "isp-lock-service.lock";
  public static final String UNLOCK = "isp-lock-service.unlock";
  public static final String EXTEND = "isp-lock-service.extend";
  public static final String STATUS = "isp-lock-service.status";
  /**
   * Internal, published: {@code {"requestId"}} ends the wait of the lock request sent with that
   * {@link #REQUEST_ID_HEADER}, on whichever node holds it.
   */
  public static final String CANCEL = "isp-lock-service.cancel";
  /** Delivery header naming a lock request, so that it can be cancelled. */
  public static final String REQUEST_ID_HEADER = "request-id";
  /** Internal: answers when Redis answers PING; readiness of an edge node asks any lock node. */
  public static final String READY = "isp-lock-service.ready";
  /** Internal, this JVM only: a lock node's readiness is its own LockVerticle's. */
  public static final String READY_LOCAL = "isp-lock-service.ready.local";

  private LockAddresses() {
  }
}
