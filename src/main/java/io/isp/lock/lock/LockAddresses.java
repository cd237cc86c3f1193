package io.isp.lock.lock;

/** Event-bus addresses of the lock service. The first two are public API; they take and return the HTTP bodies. */
public final class LockAddresses {

  public static final String LOCK = "isp-lock-service.lock";
  public static final String UNLOCK = "isp-lock-service.unlock";
  /** Internal: answers when Redis answers PING; used by readiness. */
  public static final String READY = "isp-lock-service.ready";

  private LockAddresses() {
  }
}
