package io.isp.lock.engine;

import io.isp.lock.engine.FakeLockStore.Call;
import io.isp.lock.engine.LockStore.Outcome;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the lock scripts do, in memory, behind a {@link FakeLockStore}: the calls the scheduler makes
 * queue up like commands on one Redis connection and run strictly in the order they were sent, when
 * the test says so. A reply can be lost (the call timed out, the connection dropped) while the call
 * itself still runs later, as it does in a frozen Redis that wakes up: the scheduler must cope with
 * grants it never heard of. Keys expire on the test's clock; a release (not an expiry, not a
 * hand-over) publishes a notice that the test delivers, or loses, when it likes.
 *
 * <p>Read locks as lua/read_lock.lua keeps them: a key is held by one writer or by readers, each
 * reader with its own expiry; a writer refused by readers that will wait registers until its wait
 * deadline, and while one is registered no new reader gets in.
 */
final class SimulatedRedis {

  /** A lock in the simulated Redis. */
  record Held(String lockKey, long expiresAtNanos, long fencingToken) {
  }

  private final FakeLockStore store;
  private final Timers clock;
  private final long commandTimeoutNanos;
  private final Map<String, Held> locks = new HashMap<>();
  /** Per key, its readers by lockKey. */
  private final Map<String, Map<String, Held>> readers = new HashMap<>();
  /** Per key, the writers registered behind its readers, by lockKey: their wait deadlines. */
  private final Map<String, Map<String, Long>> writersWaiting = new HashMap<>();
  /** Sent and not yet run, oldest first (some may have been answered already: timed out). */
  private final Deque<Call> sent = new ArrayDeque<>();
  private final Deque<String> notices = new ArrayDeque<>();
  private long fencingCounter;

  SimulatedRedis(FakeLockStore store, Timers clock, long commandTimeoutMs) {
    this.store = store;
    this.clock = clock;
    this.commandTimeoutNanos = commandTimeoutMs * 1_000_000;
  }

  /** Picks up the calls the scheduler made since the last look. */
  void collect() {
    for (Call call = store.take(); call != null; call = store.take()) {
      sent.addLast(call);
    }
  }

  /** Runs the oldest sent call and replies, unless its caller stopped listening; false if none was sent. */
  boolean runOne() {
    collect();
    Call call = sent.pollFirst();
    if (call == null) {
      return false;
    }
    run(call);
    collect();
    return true;
  }

  /** The store fails the oldest call still awaited, which stays queued and may still run later. */
  void failOldestReply() {
    collect();
    sent.stream().filter(call -> !call.answeredYet()).findFirst().ifPresent(Call::unavailable);
    collect();
  }

  /** The connection drops: nothing sent runs any more, and every awaited call fails. */
  void dropConnection() {
    collect();
    Deque<Call> lost = new ArrayDeque<>(sent);
    sent.clear();
    lost.stream().filter(call -> !call.answeredYet()).forEach(Call::unavailable);
    collect();
  }

  /** Fails, as the command timeout would, every awaited call sent a command timeout ago or earlier. */
  void timeOutDueCalls() {
    collect();
    long now = clock.nanoTime();
    for (Call call : sent.toArray(Call[]::new)) {
      if (!call.answeredYet() && call.madeAtNanos + commandTimeoutNanos <= now) {
        call.unavailable();
      }
    }
    collect();
  }

  /** When the oldest awaited call times out; Long.MAX_VALUE when none is awaited. */
  long nextTimeoutNanos() {
    collect();
    return sent.stream().filter(call -> !call.answeredYet())
      .mapToLong(call -> call.madeAtNanos + commandTimeoutNanos).min().orElse(Long.MAX_VALUE);
  }

  /** Calls sent whose reply is still awaited. */
  long awaited() {
    collect();
    return sent.stream().filter(call -> !call.answeredYet()).count();
  }

  boolean idle() {
    collect();
    return sent.isEmpty();
  }

  Optional<Held> holder(String key) {
    Held held = locks.get(key);
    if (held != null && held.expiresAtNanos() <= clock.nanoTime()) {
      locks.remove(key);
      held = null;
    }
    return Optional.ofNullable(held);
  }

  Map<String, Held> unexpiredLocks() {
    Map<String, Held> live = new HashMap<>();
    for (String key : Map.copyOf(locks).keySet()) {
      holder(key).ifPresent(held -> live.put(key, held));
    }
    return live;
  }

  /** The readers of {@code key} whose TTL has not run out (the expired ones are dropped). */
  Map<String, Held> readers(String key) {
    Map<String, Held> of = readers.getOrDefault(key, Map.of());
    of.values().removeIf(held -> held.expiresAtNanos() <= clock.nanoTime());
    return of;
  }

  /** Every unexpired reader, of any key. */
  List<Held> unexpiredReaders() {
    List<Held> live = new ArrayList<>();
    Set.copyOf(readers.keySet()).forEach(key -> live.addAll(readers(key).values()));
    return live;
  }

  /** Another instance takes {@code key} if it is free. */
  void lockElsewhere(String key, String lockKey, long ttlMs) {
    if (holder(key).isEmpty() && readers(key).isEmpty()) {
      take(key, lockKey, ttlMs);
    }
  }

  /** Another instance releases {@code key} if it holds it (its lockKey starts with {@code prefix}). */
  void unlockElsewhere(String key, String lockKeyPrefix) {
    holder(key).filter(held -> held.lockKey().startsWith(lockKeyPrefix)).ifPresent(held -> free(key));
  }

  /** The oldest release notice not yet delivered; null when none. */
  String nextNotice() {
    return notices.pollFirst();
  }

  /** The subscription drops: notices published meanwhile never arrive. */
  void loseNotices() {
    notices.clear();
  }

  private void run(Call call) {
    switch (call.op) {
      case ACQUIRE -> {
        Optional<Held> current = holder(call.key);
        Map<String, Held> reading = readers(call.key);
        if (current.isEmpty() && reading.isEmpty()) {
          writersWaiting.getOrDefault(call.key, new HashMap<>()).remove(call.lockKey);
          long token = take(call.key, call.lockKey, call.ttlMs);
          reply(call, () -> call.granted(token));
        } else if (current.isEmpty()) {
          long ttlMs = msUntil(latest(reading));
          if (call.waitLeftMs > 0) {
            writersWaiting.computeIfAbsent(call.key, key -> new HashMap<>())
              .put(call.lockKey, clock.nanoTime() + call.waitLeftMs * 1_000_000);
            reply(call, () -> call.heldByReaders(ttlMs));
          } else {
            reply(call, () -> call.held(ttlMs));
          }
        } else {
          long ttlMs = msUntil(current.get().expiresAtNanos());
          reply(call, () -> call.held(ttlMs));
        }
      }
      case ACQUIRE_READ -> {
        Optional<Held> current = holder(call.key);
        Map<String, Held> reading = readers(call.key);
        Map<String, Long> waiting = writersWaiting.getOrDefault(call.key, new HashMap<>());
        waiting.values().removeIf(deadline -> deadline <= clock.nanoTime());
        if (current.isPresent()) {
          long ttlMs = msUntil(current.get().expiresAtNanos());
          reply(call, () -> call.held(ttlMs));
        } else if (!waiting.isEmpty()) {
          long retry = waiting.values().stream().mapToLong(Long::longValue).min().orElseThrow();
          long ttlMs = msUntil(reading.isEmpty() ? retry : Math.min(retry, latest(reading)));
          reply(call, () -> call.held(ttlMs));
        } else {
          long token = ++fencingCounter;
          readers.computeIfAbsent(call.key, key -> new HashMap<>())
            .put(call.lockKey, new Held(call.lockKey, clock.nanoTime() + call.ttlMs * 1_000_000, token));
          reply(call, () -> call.granted(token));
        }
      }
      case WITHDRAW_WRITER -> {
        // the notice goes out even if its registration expired at its deadline, as withdraw_writer.lua does
        writersWaiting.getOrDefault(call.key, new HashMap<>()).remove(call.lockKey);
        notices.addLast(call.key);
        reply(call, call::answered);
      }
      case RELEASE, HAND_OVER, EXTEND -> {
        Optional<Held> current = holder(call.key);
        if (current.isEmpty() && !readers(call.key).isEmpty()) {
          runAsReader(call);
        } else if (current.isEmpty()) {
          reply(call, () -> call.replied(Outcome.NOT_HELD, null));
        } else if (!current.get().lockKey().equals(call.lockKey)) {
          reply(call, () -> call.replied(Outcome.NOT_OWNER, current.get().fencingToken()));
        } else if (call.op == FakeLockStore.Op.RELEASE) {
          free(call.key);
          reply(call, () -> call.replied(Outcome.RELEASED, null));
        } else if (call.op == FakeLockStore.Op.HAND_OVER) {
          long token = handOver(call);
          reply(call, () -> call.replied(Outcome.HANDED_OVER, token));
        } else {
          long token = current.get().fencingToken();
          locks.put(call.key, new Held(call.lockKey, clock.nanoTime() + call.ttlMs * 1_000_000, token));
          reply(call, () -> call.replied(Outcome.EXTENDED, token));
        }
      }
      case PROBE, PUBLISH_WAITERS -> reply(call, call::answered);
      default -> throw new IllegalStateException("the scheduler made an unexpected call " + call);
    }
  }

  /** Unlock, hand-over or extend by a reader (or a stranger) while readers hold the key. */
  private void runAsReader(Call call) {
    Map<String, Held> reading = readers(call.key);
    Held reader = reading.get(call.lockKey);
    if (reader == null) {
      reply(call, () -> call.replied(Outcome.NOT_OWNER, null));
      return;
    }
    long latestBefore = latest(reading);
    if (call.op == FakeLockStore.Op.EXTEND) {
      reading.put(call.lockKey, new Held(call.lockKey, clock.nanoTime() + call.ttlMs * 1_000_000, reader.fencingToken()));
      noticeIfSooner(call.key, latestBefore);
      reply(call, () -> call.replied(Outcome.EXTENDED, reader.fencingToken()));
      return;
    }
    reading.remove(call.lockKey);
    if (!reading.isEmpty()) {
      noticeIfSooner(call.key, latestBefore);
      reply(call, () -> call.replied(Outcome.RELEASED, null));
    } else if (call.op == FakeLockStore.Op.HAND_OVER) {
      long token = handOver(call);
      reply(call, () -> call.replied(Outcome.HANDED_OVER, token));
    } else {
      notices.addLast(call.key);
      reply(call, () -> call.replied(Outcome.RELEASED, null));
    }
  }

  /** The next local waiter, a writer, takes the key; it is no longer registered behind readers. */
  private long handOver(Call call) {
    writersWaiting.getOrDefault(call.key, new HashMap<>()).remove(call.nextLockKey);
    return take(call.key, call.nextLockKey, call.ttlMs);
  }

  /** Waiters scheduled a look at the readers' latest expiry: a notice when it came sooner. */
  private void noticeIfSooner(String key, long latestBefore) {
    if (latest(readers(key)) < latestBefore) {
      notices.addLast(key);
    }
  }

  private static long latest(Map<String, Held> reading) {
    return reading.values().stream().mapToLong(Held::expiresAtNanos).max().orElse(0);
  }

  private long msUntil(long nanos) {
    return Math.max(1, (nanos - clock.nanoTime()) / 1_000_000);
  }

  private long take(String key, String lockKey, long ttlMs) {
    long token = ++fencingCounter;
    locks.put(key, new Held(lockKey, clock.nanoTime() + ttlMs * 1_000_000, token));
    return token;
  }

  private void free(String key) {
    locks.remove(key);
    notices.addLast(key);
  }

  private static void reply(Call call, Runnable answer) {
    if (!call.answeredYet()) {
      answer.run();
    }
  }
}
