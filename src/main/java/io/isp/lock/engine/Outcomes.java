package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockException;

/** The lock operations' refusals, worded in one place. */
final class Outcomes {

  private Outcomes() {
  }

  static LockException lockHeld(LockCommand command) {
    return new LockException(ErrorCode.LOCK_HELD, "'" + command.key() + "' is held by another owner"
      + (command.waitMs() > 0 ? " after waiting " + command.waitMs() / 1000.0 + " s" : ""));
  }

  static LockException notHeld(String key) {
    return new LockException(ErrorCode.NOT_HELD, "'" + key + "' is not locked (expired or released)");
  }

  static LockException notOwner(String key) {
    return new LockException(ErrorCode.NOT_OWNER, "'" + key + "' is held by another lockKey");
  }

  static LockException cancelled() {
    return new LockException(ErrorCode.CANCELLED, "the client went away");
  }

  static LockException shuttingDown() {
    return new LockException(ErrorCode.SHUTTING_DOWN, "the service is shutting down");
  }

  /** The problem code of a failed operation, as metrics label it: a failure that is no LockException is a bug. */
  static String code(Throwable error) {
    return error instanceof LockException failure ? failure.error().code() : ErrorCode.INTERNAL.code();
  }

  static boolean isOutage(Throwable error) {
    return error instanceof LockException failure && failure.error() == ErrorCode.REDIS_UNAVAILABLE;
  }
}
