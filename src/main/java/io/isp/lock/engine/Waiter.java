package io.isp.lock.engine;

import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One blocked lock call: the owner token ({@code lockKey}) the lock will be set to when its turn
 * comes, and its answer. Answered exactly once (granted, given up, failed); its deadline timer goes
 * with the answer.
 */
final class Waiter implements KeyQueue.Queued {

  private final LockCommand command;
  private final String lockKey;
  private final Timers timers;
  private final long deadlineNanos;
  private final Promise<LockGrant> answer = Promise.promise();
  private long deadlineTimer = -1;
  /** A writer the store registered behind readers: it must withdraw if it leaves without the lock. */
  private boolean queuedBehindReaders;

  Waiter(LockCommand command, String lockKey, Timers timers) {
    this.command = command;
    this.lockKey = lockKey;
    this.timers = timers;
    this.deadlineNanos = timers.nanoTime() + command.waitMs() * 1_000_000;
  }

  LockCommand command() {
    return command;
  }

  String key() {
    return command.key();
  }

  String lockKey() {
    return lockKey;
  }

  long ttlMs() {
    return command.ttlMs();
  }

  /** Waits for a read lock. */
  boolean reads() {
    return command.read();
  }

  /** What is left of its waitTimeout, in ms (at least 1 while it waits). */
  long waitLeftMs() {
    return Math.max(1, (deadlineNanos - timers.nanoTime()) / 1_000_000);
  }

  void queuedBehindReaders() {
    queuedBehindReaders = true;
  }

  /** Registered behind readers at some point (and maybe still): leaving without the lock must withdraw it. */
  boolean mayHoldBackReaders() {
    return queuedBehindReaders;
  }

  Future<LockGrant> future() {
    return answer.future();
  }

  /** True once answered: a lock taken for it from now on must be given back. */
  @Override
  public boolean settled() {
    return answer.future().isComplete();
  }

  /** Runs {@code onDeadline} when the call's waitTimeout (counted from its arrival) runs out; once. */
  void armDeadline(Runnable onDeadline) {
    if (deadlineTimer < 0 && !settled()) {
      deadlineTimer = timers.schedule(waitLeftMs(), onDeadline);
    }
  }

  /** Answers with the lock; false if it had already been answered (the caller must give the lock back). */
  boolean grant(long fencingToken) {
    timers.cancel(deadlineTimer);
    return answer.tryComplete(new LockGrant(command.key(), lockKey, command.ttlMs(), fencingToken));
  }

  @Override
  public void fail(Throwable cause) {
    timers.cancel(deadlineTimer);
    answer.tryFail(cause);
  }
}
