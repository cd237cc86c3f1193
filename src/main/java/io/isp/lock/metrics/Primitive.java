package io.isp.lock.metrics;

/**
 * What kind of lock an operation is about: the {@code primitive} label of the {@code isp_lock_*}
 * meters, so that a dashboard can tell a semaphore's waits from a mutex's.
 */
public enum Primitive {

  /** A lock on one key, held by one owner: the original service's lock (and a write lock). */
  LOCK("lock"),
  /** A read lock on one key ({@code "mode": "read"}): shared with other readers. */
  READ_LOCK("read_lock"),
  /** One lock on several keys at once ({@code "keys"}). */
  MULTI_LOCK("multi_lock"),
  /** A permit of a semaphore. */
  SEMAPHORE("semaphore");

  private final String label;

  Primitive(String label) {
    this.label = label;
  }

  /** The label's value in {@code /metrics}. */
  public String label() {
    return label;
  }
}
