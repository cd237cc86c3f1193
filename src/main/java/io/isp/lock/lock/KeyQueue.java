package io.isp.lock.lock;

import java.util.ArrayDeque;

/**
 * The local waiters for one key, in arrival order. Only the head talks to Redis, and at most one
 * call for the key is in flight ({@code busy}), so one release wakes one waiter, not all.
 */
final class KeyQueue {

  final String key;
  final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  /** An acquire attempt or hand-over for the head is in flight. */
  boolean busy;
  /** A release notice came while busy: the attempt may have lost a race with it, so retry at once. */
  boolean releasedMeanwhile;
  /** Re-check when the current holder's TTL runs out: a lock that expires sends no notice. */
  long recheckTimer = -1;

  KeyQueue(String key) {
    this.key = key;
  }

  /** The first waiter still waiting, dropping any that gave up. */
  Waiter head() {
    Waiter head = waiters.peekFirst();
    while (head != null && head.settled()) {
      waiters.pollFirst();
      head = waiters.peekFirst();
    }
    return head;
  }
}
