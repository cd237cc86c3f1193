package io.isp.lock.engine;

/**
 * One thing that happens to the wait-queue scheduler in a generated run ({@link SchedulerRun}).
 * Steps that pick something ({@code pick}) take it modulo what exists, and do nothing when nothing
 * does, so that any list of steps is a valid run and shrinking keeps it one.
 */
sealed interface SchedulerStep {

  /** A client calls lock (waitMs 0: tryLock), a read lock if {@code read}; {@code cancellable} calls carry a request id. */
  record Lock(String key, long waitMs, long ttlMs, boolean cancellable, boolean read) implements SchedulerStep {
  }

  /** A client unlocks one of the grants it was ever given (maybe long expired or released). */
  record Unlock(int pick) implements SchedulerStep {
  }

  /** A client unlocks with a lockKey that never held anything. */
  record UnlockStranger(String key) implements SchedulerStep {
  }

  record Extend(int pick, long ttlMs) implements SchedulerStep {
  }

  /** The client of a cancellable lock call goes away. */
  record Cancel(int pick) implements SchedulerStep {
  }

  /** Redis runs the next {@code count} calls sent to it, in order, and replies. */
  record RedisRuns(int count) implements SchedulerStep {
  }

  /** The oldest awaited reply fails (store failure); the call itself may still run later. */
  record ReplyFails() implements SchedulerStep {
  }

  /** The connection drops: queued calls never run, awaited ones fail. */
  record ConnectionDrops() implements SchedulerStep {
  }

  /** The oldest release notice reaches this instance. */
  record NoticeArrives() implements SchedulerStep {
  }

  /** The subscription drops and comes back: notices meanwhile are lost, every head looks again. */
  record Resubscribed() implements SchedulerStep {
  }

  /** Another instance takes {@code key} if free, or releases it if it holds it (a notice follows). */
  record Elsewhere(String key, boolean lock, long ttlMs) implements SchedulerStep {
  }

  /** Time passes: wait timeouts, TTL expiries, rechecks, probes and command timeouts fall due. */
  record TimePasses(long ms) implements SchedulerStep {
  }
}
