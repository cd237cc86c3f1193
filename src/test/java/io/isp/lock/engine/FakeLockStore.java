package io.isp.lock.engine;

import io.isp.lock.api.ErrorCode;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store whose every call waits until the test answers it: the test takes the next call with
 * {@link #next} and completes it, so it decides exactly how calls and other events interleave.
 */
final class FakeLockStore implements LockStore, MultiLockStore {

  /**
   * ACQUIRE: a write lock (a waiter's tries carry {@code waitLeftMs}); ACQUIRE_READ: a read lock. The *_ALL
   * operations are a set's (MultiLockStore): their key is the set's keys joined by commas.
   */
  enum Op { ACQUIRE, ACQUIRE_READ, WITHDRAW_WRITER, RELEASE, HAND_OVER, EXTEND, STATUS, PROBE, FORCE_RELEASE, LIST,
    PUBLISH_WAITERS, ACQUIRE_ALL, RELEASE_ALL, EXTEND_ALL }

  /** One call the scheduler made; answer it with one of the methods below. */
  static final class Call {
    final Op op;
    final String key;
    final String lockKey;
    final String nextLockKey;
    final long ttlMs;
    /** When the scheduler made the call, on the store's clock (0 without one). */
    final long madeAtNanos;
    /** A writer's try that registers it behind readers if refused: how long it will wait more; 0 otherwise. */
    long waitLeftMs;
    private final Promise<Object> answer = Promise.promise();

    Call(Op op, String key, String lockKey, String nextLockKey, long ttlMs, long madeAtNanos) {
      this.op = op;
      this.key = key;
      this.lockKey = lockKey;
      this.nextLockKey = nextLockKey;
      this.ttlMs = ttlMs;
      this.madeAtNanos = madeAtNanos;
    }

    /** Answered (or failed) already: a late reply must not be sent. */
    boolean answeredYet() {
      return answer.future().isComplete();
    }

    void granted(long fencingToken) {
      answer.complete(new Attempt(true, ttlMs, fencingToken));
    }

    void held(long holderTtlMs) {
      answer.complete(new Attempt(false, holderTtlMs, 0));
    }

    /** A writer refused by readers, now registered behind them (it holds new readers back). */
    void heldByReaders(long readersTtlMs) {
      answer.complete(new Attempt(false, readersTtlMs, 0, true));
    }

    void replied(Outcome outcome, Long fencingToken) {
      answer.complete(new OwnerReply(outcome, fencingToken));
    }

    void answered() {
      answer.complete(null);
    }

    /** Redis down, frozen past the command timeout, or unreachable. */
    void unavailable() {
      answer.fail(new LockException(ErrorCode.REDIS_UNAVAILABLE, "Redis did not answer in time"));
    }

    @SuppressWarnings("unchecked")
    <T> Future<T> future() {
      return (Future<T>) answer.future();
    }

    @Override
    public String toString() {
      return op + "(" + key + ", " + lockKey + (nextLockKey == null ? "" : " -> " + nextLockKey) + ")";
    }
  }

  private final Deque<Call> calls = new ArrayDeque<>();
  private final Timers clock;
  boolean handsOver = true;

  FakeLockStore() {
    this(null);
  }

  /** Stamps each call with {@code clock}'s time (the property tests time calls out). */
  FakeLockStore(Timers clock) {
    this.clock = clock;
  }

  /** The oldest call not yet taken, whatever it is; null when none. */
  Call take() {
    return calls.pollFirst();
  }

  /** The oldest call not yet taken, which must be {@code op} on {@code key}. */
  Call next(Op op, String key) {
    Call call = calls.pollFirst();
    assertThat(call).as("a %s call on %s", op, key).isNotNull();
    assertThat(call.op).as("call %s", call).isEqualTo(op);
    assertThat(call.key).as("call %s", call).isEqualTo(key);
    return call;
  }

  /** Calls made and not yet taken by the test. */
  int untaken() {
    return calls.size();
  }

  private <T> Future<T> call(Op op, String key, String lockKey, String nextLockKey, long ttlMs) {
    Call call = new Call(op, key, lockKey, nextLockKey, ttlMs, clock == null ? 0 : clock.nanoTime());
    calls.addLast(call);
    return call.future();
  }

  @Override
  public Future<Attempt> tryAcquire(String key, String lockKey, long ttlMs) {
    return call(Op.ACQUIRE, key, lockKey, null, ttlMs);
  }

  @Override
  public Future<Attempt> tryAcquireQueued(String key, String lockKey, long ttlMs, long waitLeftMs) {
    Future<Attempt> attempt = call(Op.ACQUIRE, key, lockKey, null, ttlMs);
    calls.peekLast().waitLeftMs = waitLeftMs;
    return attempt;
  }

  @Override
  public Future<Attempt> tryAcquireRead(String key, String lockKey, long ttlMs) {
    return call(Op.ACQUIRE_READ, key, lockKey, null, ttlMs);
  }

  @Override
  public Future<Void> withdrawWriter(String key, String lockKey) {
    return call(Op.WITHDRAW_WRITER, key, lockKey, null, 0);
  }

  @Override
  public Future<OwnerReply> release(String key, String lockKey) {
    return call(Op.RELEASE, key, lockKey, null, 0);
  }

  @Override
  public Future<OwnerReply> handOver(String key, String lockKey, String nextLockKey, long nextTtlMs) {
    return call(Op.HAND_OVER, key, lockKey, nextLockKey, nextTtlMs);
  }

  @Override
  public Future<OwnerReply> extend(String key, String lockKey, long ttlMs) {
    return call(Op.EXTEND, key, lockKey, null, ttlMs);
  }

  @Override
  public Future<LockStatus> status(String key) {
    return call(Op.STATUS, key, null, null, 0);
  }

  @Override
  public Future<Void> probe() {
    return call(Op.PROBE, "", null, null, 0);
  }

  @Override
  public Future<Forced> forceRelease(String key) {
    return call(Op.FORCE_RELEASE, key, null, null, 0);
  }

  @Override
  public Future<io.isp.lock.api.LockPage> list(io.isp.lock.api.ListQuery query) {
    return call(Op.LIST, query.prefix(), null, null, 0);
  }

  @Override
  public Future<Void> publishWaiters(String key, String instanceId, int count, long validityMs) {
    return call(Op.PUBLISH_WAITERS, key, instanceId, null, count); // the count travels as ttlMs
  }

  /** Keys a set may not hold together (a Redis Cluster's other slot), refused as the Redis store refuses them. */
  final java.util.Set<String> otherSlot = new java.util.HashSet<>();

  @Override
  public void checkOneStep(java.util.List<String> keys) {
    if (keys.stream().anyMatch(otherSlot::contains)) {
      throw new LockException(ErrorCode.CROSS_SLOT, "keys of two slots");
    }
  }

  @Override
  public Future<Attempt> tryAcquireAll(java.util.List<String> keys, String lockKey, long ttlMs) {
    return call(Op.ACQUIRE_ALL, String.join(",", keys), lockKey, null, ttlMs);
  }

  @Override
  public Future<OwnerReply> releaseAll(java.util.List<String> keys, String lockKey) {
    return call(Op.RELEASE_ALL, String.join(",", keys), lockKey, null, 0);
  }

  @Override
  public Future<OwnerReply> extendAll(java.util.List<String> keys, String lockKey, long ttlMs) {
    return call(Op.EXTEND_ALL, String.join(",", keys), lockKey, null, ttlMs);
  }

  @Override
  public boolean handsOver() {
    return handsOver;
  }
}
