package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.SemaphoreCommand;
import io.isp.lock.api.LockException;
import io.isp.lock.api.MultiLockCommand;

import java.util.List;

/** The lock operations' refusals, worded in one place. */
final class Outcomes {

  private Outcomes() {
  }

  static LockException lockHeld(LockCommand command) {
    return new LockException(ErrorCode.LOCK_HELD, "'" + command.key() + "' is held by another owner"
      + (command.waitMs() > 0 ? " after waiting " + command.waitMs() / 1000.0 + " s" : ""));
  }

  static LockException lockHeld(MultiLockCommand command) {
    return new LockException(ErrorCode.LOCK_HELD, "some of " + MultiLockCommand.describe(command.keys())
      + " are held by another owner" + (command.waitMs() > 0 ? " after waiting " + command.waitMs() / 1000.0 + " s" : ""));
  }

  /** An unlock or extend of a set: NOT_HELD or NOT_OWNER, as lua/multi_unlock.lua and multi_extend.lua define them. */
  static LockException refusal(List<String> keys, LockStore.Outcome outcome, boolean extending) {
    String set = MultiLockCommand.describe(keys);
    if (outcome == LockStore.Outcome.NOT_OWNER) {
      return new LockException(ErrorCode.NOT_OWNER, (extending ? "some of " : "") + set + " are held by another lockKey");
    }
    return new LockException(ErrorCode.NOT_HELD, (extending ? "not all of " : "none of ") + set
      + " are locked (expired, released or force-unlocked)");
  }

  static LockException notHeld(String key) {
    return new LockException(ErrorCode.NOT_HELD, "'" + key + "' is not locked (expired or released)");
  }

  static LockException notOwner(String key) {
    return new LockException(ErrorCode.NOT_OWNER, "'" + key + "' is held by another lockKey");
  }

  /** All permits held: the lock's {@code lock_held}, so that clients handle both alike. */
  static LockException permitsHeld(SemaphoreCommand command) {
    return new LockException(ErrorCode.LOCK_HELD, "all " + command.permits() + " permits of '" + command.key()
      + "' are held" + (command.waitMs() > 0 ? " after waiting " + command.waitMs() / 1000.0 + " s" : ""));
  }

  static LockException permitsMismatch(SemaphoreCommand command, int heldPermits) {
    return new LockException(ErrorCode.PERMITS_MISMATCH, "'" + command.key() + "' is a semaphore of " + heldPermits
      + " permits, not " + command.permits() + ": every caller must give the same permits");
  }

  static LockException noPermitHeld(String key) {
    return new LockException(ErrorCode.NOT_HELD, "no permit of '" + key + "' is held (expired or released)");
  }

  static LockException notPermitOwner(String key) {
    return new LockException(ErrorCode.NOT_OWNER, "no permit of '" + key + "' is held by this lockKey");
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
