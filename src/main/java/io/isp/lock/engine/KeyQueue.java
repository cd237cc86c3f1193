package io.isp.lock.engine;

import io.isp.lock.api.LockException;

import java.util.ArrayDeque;

/**
 * The local waiters for one key, in arrival order. Only the head talks to the store, and at most
 * one call for the key is in flight ({@link #busy()}), so one release wakes one waiter, not all.
 * Serves lock waiters ({@link Waiter}) and semaphore waiters ({@link PermitWaiter}) alike.
 */
final class KeyQueue<W extends KeyQueue.Queued> {

  /** What a queue needs of a waiter: whether it is answered, and a way to answer it with a failure. */
  interface Queued {

    boolean settled();

    void fail(Throwable cause);
  }


  private final String key;
  private final Timers timers;
  private final ArrayDeque<W> waiters = new ArrayDeque<>();
  /** An acquire attempt or hand-over for the head is in flight. */
  private boolean busy;
  /** A release notice came while busy: that call may have lost a race with it, so retry at once. */
  private boolean releasedMeanwhile;
  /** A look again at the holder's expiry: a lock that expires sends no notice. */
  private long recheckTimer = -1;

  KeyQueue(String key, Timers timers) {
    this.key = key;
    this.timers = timers;
  }

  String key() {
    return key;
  }

  void add(W waiter) {
    waiters.addLast(waiter);
  }

  void remove(W waiter) {
    waiters.remove(waiter);
  }

  /** Waiters queued, including any that gave up and are not yet dropped. */
  int size() {
    return waiters.size();
  }

  /** The first waiter still waiting, dropping any that gave up; null when none waits. */
  W head() {
    W head = waiters.peekFirst();
    while (head != null && head.settled()) {
      waiters.pollFirst();
      head = waiters.peekFirst();
    }
    return head;
  }

  boolean busy() {
    return busy;
  }

  /** Nothing waits and nothing is in flight: the queue can go. */
  boolean idle() {
    return !busy && head() == null;
  }

  void beginCall() {
    busy = true;
    releasedMeanwhile = false;
  }

  void endCall() {
    busy = false;
  }

  /** A release notice: true when the head should try now, false when a call in flight will retry after it. */
  boolean noticeRelease() {
    if (busy) {
      releasedMeanwhile = true;
      return false;
    }
    return true;
  }

  boolean releasedMeanwhile() {
    return releasedMeanwhile;
  }

  void recheckIn(long delayMs, Runnable recheck) {
    cancelRecheck();
    recheckTimer = timers.schedule(delayMs, () -> {
      recheckTimer = -1;
      recheck.run();
    });
  }

  void cancelRecheck() {
    timers.cancel(recheckTimer);
    recheckTimer = -1;
  }

  /** Answers every waiter with {@code why} and forgets them. */
  void failAll(LockException why) {
    cancelRecheck();
    for (W waiter : waiters) {
      waiter.fail(why);
    }
    waiters.clear();
  }
}
