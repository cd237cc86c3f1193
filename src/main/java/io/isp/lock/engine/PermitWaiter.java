package io.isp.lock.engine;

import io.isp.lock.api.PermitGrant;
import io.isp.lock.api.SemaphoreCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One blocked semaphore acquire, the twin of {@link Waiter}: the owner token its permit will carry,
 * and its answer, given exactly once; its deadline timer goes with the answer.
 */
final class PermitWaiter implements KeyQueue.Queued {

  private final SemaphoreCommand command;
  private final String lockKey;
  private final Timers timers;
  private final long deadlineNanos;
  private final Promise<PermitGrant> answer = Promise.promise();
  private long deadlineTimer = -1;

  PermitWaiter(SemaphoreCommand command, String lockKey, Timers timers) {
    this.command = command;
    this.lockKey = lockKey;
    this.timers = timers;
    this.deadlineNanos = timers.nanoTime() + command.waitMs() * 1_000_000;
  }

  SemaphoreCommand command() {
    return command;
  }

  String lockKey() {
    return lockKey;
  }

  Future<PermitGrant> future() {
    return answer.future();
  }

  @Override
  public boolean settled() {
    return answer.future().isComplete();
  }

  /** Runs {@code onDeadline} when the call's waitTimeout (counted from its arrival) runs out; once. */
  void armDeadline(Runnable onDeadline) {
    if (deadlineTimer < 0 && !settled()) {
      long remainingMs = Math.max(1, (deadlineNanos - timers.nanoTime()) / 1_000_000);
      deadlineTimer = timers.schedule(remainingMs, onDeadline);
    }
  }

  /** Answers with the permit; false if it had already been answered (the caller must give the permit back). */
  boolean grant(long fencingToken, int holders) {
    timers.cancel(deadlineTimer);
    return answer.tryComplete(new PermitGrant(command.key(), lockKey, command.ttlMs(), fencingToken, holders));
  }

  @Override
  public void fail(Throwable cause) {
    timers.cancel(deadlineTimer);
    answer.tryFail(cause);
  }
}
