package io.isp.lock.engine;

import io.isp.lock.engine.FakeLockStore.Op;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("WaiterCounts: publishes this instance's waiters per key, only what changed, and stops when none wait")
class WaiterCountsTest {

  private final FakeLockStore store = new FakeLockStore();
  private final FakeTimers timers = new FakeTimers();
  private final Map<String, Integer> waiting = new HashMap<>();
  private final WaiterCounts counts = new WaiterCounts(store, timers, () -> Map.copyOf(waiting));

  @Test
  @DisplayName("a count is published on the next tick, a change once, and the last waiter's leaving as 0")
  void publishesChanges() {
    waiting.put("k", 2);
    counts.wake();
    timers.advance(WaiterCounts.TICK_MS);
    FakeLockStore.Call first = store.next(Op.PUBLISH_WAITERS, "k");
    assertThat(first.ttlMs).isEqualTo(2);
    first.answered();

    timers.advance(WaiterCounts.TICK_MS);
    assertThat(store.untaken()).as("nothing changed, nothing written").isZero();

    waiting.put("k", 3);
    timers.advance(WaiterCounts.TICK_MS);
    store.next(Op.PUBLISH_WAITERS, "k").answered();

    waiting.clear();
    timers.advance(WaiterCounts.TICK_MS);
    FakeLockStore.Call withdrawn = store.next(Op.PUBLISH_WAITERS, "k");
    assertThat(withdrawn.ttlMs).isZero();
    withdrawn.answered();

    timers.advance(10 * WaiterCounts.TICK_MS);
    assertThat(store.untaken()).isZero();
    assertThat(timers.pending()).as("no tick while nothing waits").isZero();
  }

  @Test
  @DisplayName("a call that waited and left within one tick costs no write at all")
  void transientWaiterCostsNothing() {
    counts.wake();
    timers.advance(WaiterCounts.TICK_MS);
    assertThat(store.untaken()).isZero();
    assertThat(timers.pending()).isZero();
  }

  @Test
  @DisplayName("published counts are refreshed before they expire, so a live instance keeps counting")
  void refreshes() {
    waiting.put("k", 1);
    counts.wake();
    timers.advance(WaiterCounts.TICK_MS);
    store.next(Op.PUBLISH_WAITERS, "k").answered();
    for (long t = WaiterCounts.TICK_MS; t < WaiterCounts.REFRESH_MS; t += WaiterCounts.TICK_MS) {
      timers.advance(WaiterCounts.TICK_MS);
    }
    timers.advance(WaiterCounts.TICK_MS);
    store.next(Op.PUBLISH_WAITERS, "k").answered();
    assertThat(WaiterCounts.REFRESH_MS).isLessThan(WaiterCounts.VALIDITY_MS / 2);
    waiting.clear();
    counts.stop();
    store.next(Op.PUBLISH_WAITERS, "k").answered();
  }
}
