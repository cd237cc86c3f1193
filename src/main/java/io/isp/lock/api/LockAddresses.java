package io.isp.lock.api;

/**
 * Event-bus addresses of the lock service. LOCK, UNLOCK, EXTEND, STATUS, FORCE_UNLOCK, LIST and the
 * SEMAPHORE_* addresses are public API: they take and return the HTTP bodies. LOCK, UNLOCK and EXTEND
 * take {@code keys} (a lock on several keys) in place of {@code key}.
 */
public final class LockAddresses {

  public static final String LOCK = "isp-lock-service.lock";
  public static final String UNLOCK = "isp-lock-service.unlock";
  public static final String EXTEND = "isp-lock-service.extend";
  public static final String STATUS = "isp-lock-service.status";
  /** Operators: {@code {"key"}} removes the lock whoever holds it. No token is asked on the event bus: its callers are trusted. */
  public static final String FORCE_UNLOCK = "isp-lock-service.force-unlock";
  /** {@code {"prefix", "limit", "cursor"}}: a page of held locks. */
  public static final String LIST = "isp-lock-service.list";
  /** {@code {"key", "permits", "ttl", "waitTimeout"}}: takes one permit of a semaphore. */
  public static final String SEMAPHORE_ACQUIRE = "isp-lock-service.semaphore.acquire";
  /** {@code {"key", "lockKey"}}: gives a permit back. */
  public static final String SEMAPHORE_RELEASE = "isp-lock-service.semaphore.release";
  /** {@code {"key", "lockKey", "ttl"}}: a new TTL for a permit. */
  public static final String SEMAPHORE_EXTEND = "isp-lock-service.semaphore.extend";
  /** {@code {"key"}}: the semaphore's size, holders and waiters. */
  public static final String SEMAPHORE_STATUS = "isp-lock-service.semaphore.status";
  /**
   * Internal, published: {@code {"requestId"}} ends the wait of the lock request sent with that
   * {@link #REQUEST_ID_HEADER}, on whichever node holds it.
   */
  public static final String CANCEL = "isp-lock-service.cancel";
  /** Delivery header saying who sends an operator's request (force-unlock), for the audit log; set by the HTTP verticle. */
  public static final String ACTOR_HEADER = "actor";
  /** Delivery header naming a lock request, so that it can be cancelled. */
  public static final String REQUEST_ID_HEADER = "request-id";
  /** Internal: answers when Redis answers PING; readiness of an edge node asks any lock node. */
  public static final String READY = "isp-lock-service.ready";
  /** Internal, this JVM only: a lock node's readiness is its own LockVerticle's. */
  public static final String READY_LOCAL = "isp-lock-service.ready.local";

  private LockAddresses() {
  }
}
