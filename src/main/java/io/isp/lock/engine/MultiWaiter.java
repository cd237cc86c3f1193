package io.isp.lock.engine;

import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiLockGrant;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;

/**
 * One blocked lock call on several keys: its owner token, its answer, and its own wake-up state (a
 * multi-key waiter has no queue of its own to keep it): whether an attempt is in flight, whether a
 * release notice came meanwhile, its recheck timer and its deadline timer. Answered exactly once;
 * its timers go with the answer.
 */
final class MultiWaiter {

  private final MultiLockCommand command;
  private final String lockKey;
  private final Timers timers;
  private final long arrivalNanos;
  private final Promise<MultiLockGrant> answer = Promise.promise();
  private long deadlineTimer = -1;
  private long recheckTimer = -1;
  private boolean attempting;
  private boolean releasedMeanwhile;

  MultiWaiter(MultiLockCommand command, String lockKey, Timers timers) {
    this.command = command;
    this.lockKey = lockKey;
    this.timers = timers;
    this.arrivalNanos = timers.nanoTime();
  }

  MultiLockCommand command() {
    return command;
  }

  List<String> keys() {
    return command.keys();
  }

  String lockKey() {
    return lockKey;
  }

  long ttlMs() {
    return command.ttlMs();
  }

  Future<MultiLockGrant> future() {
    return answer.future();
  }

  /** True once answered: a set taken for it from now on must be given back. */
  boolean settled() {
    return answer.future().isComplete();
  }

  boolean attempting() {
    return attempting;
  }

  /** An attempt goes out: the recheck it replaces is off, and notices from now on count as "meanwhile". */
  void beginAttempt() {
    timers.cancel(recheckTimer);
    recheckTimer = -1;
    attempting = true;
    releasedMeanwhile = false;
  }

  void endAttempt() {
    attempting = false;
  }

  /** A release notice for one of its keys came while its attempt was in flight: that attempt may have lost the race with it. */
  void noticeMeanwhile() {
    releasedMeanwhile = true;
  }

  boolean releasedMeanwhile() {
    return releasedMeanwhile;
  }

  /** Looks again in {@code delayMs}: the longest remaining TTL among the held keys (an expiry sends no notice). */
  void recheckIn(long delayMs, Runnable recheck) {
    timers.cancel(recheckTimer);
    recheckTimer = timers.schedule(delayMs, () -> {
      recheckTimer = -1;
      recheck.run();
    });
  }

  /** Runs {@code onDeadline} when the call's waitTimeout (counted from its arrival) runs out; once. */
  void armDeadline(Runnable onDeadline) {
    if (deadlineTimer < 0 && !settled()) {
      long remainingMs = Math.max(1, (arrivalNanos + command.waitMs() * 1_000_000 - timers.nanoTime()) / 1_000_000);
      deadlineTimer = timers.schedule(remainingMs, onDeadline);
    }
  }

  /** Answers with the set; false if it had already been answered (the caller must give the set back). */
  boolean grant(long fencingToken) {
    stopTimers();
    return answer.tryComplete(new MultiLockGrant(command.keys(), lockKey, command.ttlMs(), fencingToken));
  }

  void fail(Throwable cause) {
    stopTimers();
    answer.tryFail(cause);
  }

  private void stopTimers() {
    timers.cancel(deadlineTimer);
    timers.cancel(recheckTimer);
    recheckTimer = -1;
  }
}
