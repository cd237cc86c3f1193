package io.isp.lock.engine;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.LockMode;
import io.isp.lock.api.UnlockCommand;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Drives a {@link WaitQueues} through {@link SchedulerStep}s against a {@link SimulatedRedis} and
 * checks its invariants after every step:
 * <ul>
 *   <li>mutual exclusion: every grant a client still counts on (not unlocked by it, within the TTL it
 *       was given) is the lock Redis holds for that key, so at most one client holds a key; a read
 *       grant is one of the key's readers in Redis, and no client counts on a write grant of a key
 *       while another counts on any grant of it;</li>
 *   <li>FIFO: a waiter of this instance is granted only when every waiter that queued for the same
 *       key before it has been answered;</li>
 *   <li>every call is answered exactly once, and no later than its waitTimeout plus one command
 *       timeout after it arrived;</li>
 *   <li>bookkeeping: no queue (map entry) outlives its waiters and calls; at the end, with Redis
 *       healthy again, no timer is left, no waiter counted, and no lock held for a caller that was
 *       never told it has it.</li>
 * </ul>
 */
final class SchedulerRun {

  static final long COMMAND_TIMEOUT_MS = 500;
  static final long PROBE_MS = 250;
  private static final String ELSEWHERE = "elsewhere-";

  /** A call of a client, and what it was answered. */
  private final class ClientCall {
    final String what;
    final String key;
    final long waitMs;
    final long arrivedNanos = timers.nanoTime();
    final int seq = calls.size();
    final String requestId;
    int answers;

    ClientCall(String what, String key, long waitMs, String requestId) {
      this.what = what;
      this.key = key;
      this.waitMs = waitMs;
      this.requestId = requestId;
    }

    boolean queues() {
      return what.equals("lock") && waitMs > 0;
    }

    long latestAnswerNanos() {
      return arrivedNanos + (waitMs + COMMAND_TIMEOUT_MS) * 1_000_000;
    }

    @Override
    public String toString() {
      return "#" + seq + " " + what + "(" + key + (waitMs > 0 ? ", wait " + waitMs + " ms" : "") + ")";
    }
  }

  /**
   * A grant a client received: it counts on it until it unlocks, or until the TTL it last heard of
   * runs out, or sooner if an extend it sent without hearing back could still run and shorten it.
   */
  private static final class Holding {
    final String key;
    final String lockKey;
    final boolean read;
    /** Sent extends not yet confirmed by a later success, by send order: when each would expire the lock if it runs now. */
    final TreeMap<Integer, Long> unsureExtends = new TreeMap<>();
    long confirmedEndNanos;
    boolean unlocked;

    Holding(String key, String lockKey, boolean read, long confirmedEndNanos) {
      this.key = key;
      this.lockKey = lockKey;
      this.read = read;
      this.confirmedEndNanos = confirmedEndNanos;
    }

    long leaseEndNanos() {
      return unsureExtends.values().stream().reduce(confirmedEndNanos, Math::min);
    }

    /** Extends run in the order sent: when one succeeds, those sent before it have run (or never will). */
    void extended(int seq, long endNanos) {
      confirmedEndNanos = endNanos;
      unsureExtends.headMap(seq, true).clear();
    }
  }

  private final FakeTimers timers = new FakeTimers();
  private final FakeLockStore store = new FakeLockStore(timers);
  private final SimulatedRedis redis = new SimulatedRedis(store, timers, COMMAND_TIMEOUT_MS);
  private final WaitQueues queues = new WaitQueues(store, timers, PROBE_MS, () -> { });
  private final List<ClientCall> calls = new ArrayList<>();
  private final List<ClientCall> cancellable = new ArrayList<>();
  private final List<Holding> holdings = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int elsewhereLocks;
  private int granted;

  SchedulerRun(boolean handsOver) {
    store.handsOver = handsOver;
  }

  /** Grants answered to clients so far (for the statistics). */
  int granted() {
    return granted;
  }

  void apply(SchedulerStep step) {
    if (step instanceof SchedulerStep.Lock lock) {
      lock(lock);
    } else if (step instanceof SchedulerStep.Unlock unlock) {
      pick(holdings, unlock.pick()).ifPresent(this::unlock);
    } else if (step instanceof SchedulerStep.UnlockStranger stranger) {
      ClientCall call = track(new ClientCall("unlock", stranger.key(), 0, null));
      answered(call, queues.unlock(new UnlockCommand(stranger.key(), "stranger")));
    } else if (step instanceof SchedulerStep.Extend extend) {
      pick(holdings, extend.pick()).ifPresent(holding -> extend(holding, extend.ttlMs()));
    } else if (step instanceof SchedulerStep.Cancel cancel) {
      pick(cancellable, cancel.pick()).ifPresent(call -> queues.cancel(call.requestId));
    } else if (step instanceof SchedulerStep.RedisRuns runs) {
      for (int i = 0; i < runs.count() && redis.runOne(); i++) {
        check();
      }
    } else if (step instanceof SchedulerStep.ReplyFails) {
      redis.failOldestReply();
    } else if (step instanceof SchedulerStep.ConnectionDrops) {
      redis.dropConnection();
    } else if (step instanceof SchedulerStep.NoticeArrives) {
      String key = redis.nextNotice();
      if (key != null) {
        queues.released(key);
      }
    } else if (step instanceof SchedulerStep.Resubscribed) {
      redis.loseNotices();
      queues.recheckAll();
    } else if (step instanceof SchedulerStep.Elsewhere elsewhere) {
      if (elsewhere.lock()) {
        redis.lockElsewhere(elsewhere.key(), ELSEWHERE + elsewhereLocks++, elsewhere.ttlMs());
      } else {
        redis.unlockElsewhere(elsewhere.key(), ELSEWHERE);
      }
    } else if (step instanceof SchedulerStep.TimePasses time) {
      advance(time.ms());
    } else {
      throw new IllegalArgumentException("unknown step " + step);
    }
    redis.collect();
    check();
  }

  /**
   * Lets the run come to rest with Redis healthy: every call sent runs, time passes until every
   * waiter is answered and every give-back retried; then nothing may be left behind.
   */
  void settle() {
    for (int round = 0; round < 1000 && !(redis.idle() && calls.stream().allMatch(call -> call.answers > 0)); round++) {
      while (redis.runOne()) {
        check();
      }
      advance(100);
      check();
    }
    assertThat(calls.stream().filter(call -> call.answers == 0).toList().isEmpty(), "calls never answered: %s",
      calls.stream().filter(call -> call.answers == 0).toList());
    // give-backs retry after GrantReclaimer.RETRY_MS, and the outage probe disarms itself on its next tick
    for (int round = 0; round < 3; round++) {
      advance(GrantReclaimer.RETRY_MS);
      while (redis.runOne()) {
        check();
      }
    }
    assertThat(queues.queuedKeys() == 0, "queues left: %d", queues.queuedKeys());
    assertThat(queues.waiting() == 0, "waiters counted: %d", queues.waiting());
    assertThat(timers.pending() == 0, "timers left: %d", timers.pending());
    Set<String> told = new HashSet<>();
    holdings.forEach(holding -> told.add(holding.lockKey));
    redis.unexpiredLocks().forEach((key, held) -> assertThat(
      held.lockKey().startsWith(ELSEWHERE) || told.contains(held.lockKey()),
      "'%s' is held by %s, a lockKey no client was given: leaked until its TTL", key, held.lockKey()));
    redis.unexpiredReaders().forEach(reader -> assertThat(told.contains(reader.lockKey()),
      "a reader %s no client was given: leaked until its TTL", reader.lockKey()));
  }

  private void lock(SchedulerStep.Lock step) {
    String requestId = step.cancellable() ? "request-" + calls.size() : null;
    ClientCall call = track(new ClientCall("lock", step.key(), step.waitMs(), requestId));
    if (requestId != null) {
      cancellable.add(call);
    }
    LockMode mode = step.read() ? LockMode.READ : LockMode.WRITE;
    Future<LockGrant> answer = queues.lock(new LockCommand(step.key(), step.ttlMs(), step.waitMs(), mode), requestId);
    answer.onSuccess(grant -> {
      granted++;
      holdings.add(new Holding(grant.key(), grant.lockKey(), step.read(), timers.nanoTime() + grant.ttlMs() * 1_000_000));
      if (call.queues()) {
        calls.stream()
          .filter(earlier -> earlier.queues() && earlier.key.equals(call.key) && earlier.seq < call.seq && earlier.answers == 0)
          .forEach(earlier -> violations.add("FIFO: " + call + " granted while " + earlier + " still waits"));
      }
    });
    answered(call, answer);
  }

  private void unlock(Holding holding) {
    holding.unlocked = true;
    ClientCall call = track(new ClientCall("unlock", holding.key, 0, null));
    answered(call, queues.unlock(new UnlockCommand(holding.key, holding.lockKey)));
  }

  private void extend(Holding holding, long ttlMs) {
    ClientCall call = track(new ClientCall("extend", holding.key, 0, null));
    // it sets the TTL (maybe shorter) from when it runs, which is no earlier than now
    long ifRunNanos = timers.nanoTime() + ttlMs * 1_000_000;
    holding.unsureExtends.put(call.seq, ifRunNanos);
    Future<LockGrant> answer = queues.extend(new ExtendCommand(holding.key, holding.lockKey, ttlMs));
    answer.onSuccess(grant -> holding.extended(call.seq, ifRunNanos));
    answered(call, answer);
  }

  private ClientCall track(ClientCall call) {
    calls.add(call);
    return call;
  }

  private void answered(ClientCall call, Future<?> answer) {
    answer.onComplete(done -> {
      call.answers++;
      if (call.answers > 1) {
        violations.add(call + " answered " + call.answers + " times");
      }
      if (timers.nanoTime() > call.latestAnswerNanos()) {
        violations.add(call + " answered " + lateMs(call) + " ms later than its wait plus a command timeout allow");
      }
    });
  }

  /**
   * Moves the clock, timing calls out exactly when their command timeout falls due; steps never
   * exceed one command timeout, so a call sent by a timer on the way is timed out in time too.
   */
  private void advance(long ms) {
    long target = timers.nanoTime() + ms * 1_000_000;
    while (timers.nanoTime() < target) {
      long now = timers.nanoTime();
      long next = Math.min(target, Math.min(redis.nextTimeoutNanos(), now + COMMAND_TIMEOUT_MS * 1_000_000));
      timers.advance((next - now) / 1_000_000);
      redis.timeOutDueCalls();
      check();
    }
  }

  private void check() {
    long now = timers.nanoTime();
    Map<String, Integer> holders = new HashMap<>();
    Set<String> writeHeld = new HashSet<>();
    for (Holding holding : holdings) {
      if (!holding.unlocked && now < holding.leaseEndNanos()) {
        String inRedis = redis.holder(holding.key).map(SimulatedRedis.Held::lockKey).orElse(null);
        boolean agrees = holding.read ? redis.readers(holding.key).containsKey(holding.lockKey) : holding.lockKey.equals(inRedis);
        if (!agrees) {
          violations.add("a client holds '" + holding.key + "' as " + (holding.read ? "reader " : "") + holding.lockKey + " for "
            + (holding.leaseEndNanos() - now) / 1_000_000 + " ms more, but Redis has " + inRedis
            + " and readers " + redis.readers(holding.key).keySet());
        }
        holders.merge(holding.key, 1, Integer::sum);
        if (!holding.read) {
          writeHeld.add(holding.key);
        }
      }
    }
    writeHeld.stream().filter(key -> holders.get(key) > 1)
      .forEach(key -> violations.add("a writer holds '" + key + "' beside " + (holders.get(key) - 1) + " other holder(s)"));
    for (ClientCall call : calls) {
      if (call.answers == 0 && now > call.latestAnswerNanos()) {
        violations.add(call + " still unanswered " + lateMs(call) + " ms after its wait plus a command timeout");
      }
    }
    boolean inFlight = redis.awaited() > 0;
    boolean waiting = calls.stream().anyMatch(call -> call.queues() && call.answers == 0);
    if (!inFlight && !waiting && queues.queuedKeys() > 0) {
      violations.add(queues.queuedKeys() + " queue(s) left with no waiter and no call in flight");
    }
    long waiters = calls.stream().filter(call -> call.queues() && call.answers == 0).count();
    if (queues.waiting() != waiters) {
      violations.add("counts " + queues.waiting() + " waiter(s) while " + waiters + " wait");
    }
    assertThat(violations.isEmpty(), "%s", violations);
  }

  private long lateMs(ClientCall call) {
    return (timers.nanoTime() - call.latestAnswerNanos()) / 1_000_000;
  }

  private static <T> Optional<T> pick(List<T> from, int pick) {
    return from.isEmpty() ? Optional.empty() : Optional.of(from.get(pick % from.size()));
  }

  private static void assertThat(boolean holds, String format, Object... args) {
    if (!holds) {
      throw new AssertionError(String.format(format, args));
    }
  }
}
