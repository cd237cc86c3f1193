package io.isp.lock.engine;

import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HoldTimes: grant-to-unlock times, bounded by the locks' TTLs and a cap")
class HoldTimesTest {

  private final FakeTimers timers = new FakeTimers();
  private final List<Long> recorded = new ArrayList<>();
  private final List<Primitive> primitives = new ArrayList<>();
  private final LockMetrics metrics = new LockMetrics() {
    @Override
    public void held(Primitive primitive, long nanos) {
      recorded.add(nanos);
      primitives.add(primitive);
    }

    @Override
    public boolean enabled() {
      return true;
    }
  };

  @Test
  @DisplayName("an unlock records the time since the grant, once, under the grant's primitive")
  void records() {
    HoldTimes holds = new HoldTimes(metrics, timers);
    holds.granted("lk1", 10_000, Primitive.LOCK);
    holds.granted("lk2", 10_000, Primitive.SEMAPHORE);
    timers.advance(250);
    holds.released("lk1");
    holds.released("lk1");
    timers.advance(50);
    holds.released("lk2");
    assertThat(recorded).containsExactly(250_000_000L, 300_000_000L);
    assertThat(primitives).as("each hold under the primitive it was granted as").containsExactly(Primitive.LOCK, Primitive.SEMAPHORE);
    assertThat(holds.tracked()).isZero();
  }

  @Test
  @DisplayName("locks never unlocked here are forgotten once their TTL has passed; extend moves the expiry")
  void forgetsExpired() {
    HoldTimes holds = new HoldTimes(metrics, timers);
    for (int i = 0; i < 1000; i++) {
      holds.granted("old" + i, 100, Primitive.LOCK);
    }
    holds.granted("extended", 100, Primitive.LOCK);
    holds.extended("extended", 10_000);
    timers.advance(101);
    holds.granted("new", 100, Primitive.LOCK);
    assertThat(holds.tracked()).isEqualTo(2);
    timers.advance(1000);
    holds.released("extended");
    assertThat(recorded).containsExactly(1_101_000_000L);
  }

  @Test
  @DisplayName("never more than the cap, however long the TTLs: the oldest go first")
  void capped() {
    HoldTimes holds = new HoldTimes(metrics, timers, 10);
    for (int i = 0; i < 25; i++) {
      holds.granted("lk" + i, 86_400_000, Primitive.LOCK);
    }
    assertThat(holds.tracked()).isEqualTo(10);
    holds.released("lk0");
    holds.released("lk24");
    assertThat(recorded).hasSize(1);
  }

  @Test
  @DisplayName("metrics off: nothing is kept")
  void off() {
    HoldTimes holds = new HoldTimes(LockMetrics.NONE, timers);
    holds.granted("lk", 1000, Primitive.LOCK);
    assertThat(holds.tracked()).isZero();
  }
}
