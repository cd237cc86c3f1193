package io.isp.lock.lock;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/** One blocked lock request: its token is what the lock will be set to when its turn comes. */
final class Waiter {

  final LockCommand command;
  final String token;
  final long deadlineNanos;
  private final Promise<LockGrant> promise = Promise.promise();
  long deadlineTimer = -1;

  Waiter(LockCommand command, String token, long nowNanos) {
    this.command = command;
    this.token = token;
    this.deadlineNanos = nowNanos + command.waitMs() * 1_000_000;
  }

  Future<LockGrant> future() {
    return promise.future();
  }

  /** True once answered (granted, timed out, failed): a lock taken for it now must be released. */
  boolean settled() {
    return promise.future().isComplete();
  }

  boolean grant(long fencingToken) {
    return promise.tryComplete(new LockGrant(command.key(), token, command.ttlMs(), fencingToken));
  }

  void fail(Throwable cause) {
    promise.tryFail(cause);
  }
}
