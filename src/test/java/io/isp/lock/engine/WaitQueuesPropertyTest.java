package io.isp.lock.engine;

import io.isp.lock.support.RandomRuns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The wait-queue scheduler under random interleavings of client calls (lock, tryLock, read locks
 * among them, unlock, extend, cancel), Redis replies, lost replies, dropped connections, release notices (late or lost),
 * locks taken elsewhere and the passing of time (wait timeouts, TTL expiries, command timeouts):
 * {@link SchedulerRun} checks the invariants after every step. A failure is shrunk to a short list
 * of steps and printed with its seed.
 */
@DisplayName("WaitQueues under random interleavings against a simulated Redis")
class WaitQueuesPropertyTest {

  /** Runs per mode in CI; {@code -Dscheduler.runs=N} searches deeper. */
  static final int RUNS = Integer.getInteger("scheduler.runs", 3000);
  private static final int MAX_STEPS = 60;
  private static final String[] KEYS = {"a", "b"};
  private static final long[] WAITS_MS = {0, 1, 40, 300, 2_000};
  private static final long[] TTLS_MS = {50, 700, 30_000};
  private static final long[] TIME_STEPS_MS = {1, 30, 100, 499, 500, 1_000, 5_000};

  @ParameterizedTest(name = "hand-over in the unlock: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("mutual exclusion, FIFO, one timely answer per call and nothing left behind, after every step")
  void invariantsHoldAfterEveryStep(boolean handsOver) {
    long[] stepsAndGrants = new long[2];
    RandomRuns.check(RUNS, WaitQueuesPropertyTest::run, steps -> {
      SchedulerRun run = new SchedulerRun(handsOver);
      steps.forEach(run::apply);
      run.settle();
      stepsAndGrants[0] += steps.size();
      stepsAndGrants[1] += run.granted();
    });
    // the figures docs/reliability.md quotes
    System.out.printf("WaitQueuesPropertyTest (hand-over %s): %d runs, %d steps, %d grants%n",
      handsOver, RUNS, stepsAndGrants[0], stepsAndGrants[1]);
  }

  static List<SchedulerStep> run(Random random) {
    int length = 1 + random.nextInt(MAX_STEPS);
    List<SchedulerStep> steps = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      steps.add(step(random));
    }
    return steps;
  }

  /** One step, with weights that keep calls, replies and time in balance. */
  private static SchedulerStep step(Random random) {
    int pick = random.nextInt(21);
    int roll = random.nextInt(34);
    if (roll < 6) {
      return new SchedulerStep.Lock(any(random, KEYS), any(random, WAITS_MS), any(random, TTLS_MS), random.nextBoolean(),
        random.nextInt(3) == 0);
    } else if (roll < 9) {
      return new SchedulerStep.Unlock(pick);
    } else if (roll < 10) {
      return new SchedulerStep.UnlockStranger(any(random, KEYS));
    } else if (roll < 12) {
      return new SchedulerStep.Extend(pick, any(random, TTLS_MS));
    } else if (roll < 14) {
      return new SchedulerStep.Cancel(pick);
    } else if (roll < 22) {
      return new SchedulerStep.RedisRuns(1 + random.nextInt(4));
    } else if (roll < 23) {
      return new SchedulerStep.ReplyFails();
    } else if (roll < 24) {
      return new SchedulerStep.ConnectionDrops();
    } else if (roll < 27) {
      return new SchedulerStep.NoticeArrives();
    } else if (roll < 28) {
      return new SchedulerStep.Resubscribed();
    } else if (roll < 30) {
      return new SchedulerStep.Elsewhere(any(random, KEYS), random.nextBoolean(), any(random, TTLS_MS));
    } else {
      return new SchedulerStep.TimePasses(any(random, TIME_STEPS_MS));
    }
  }

  private static String any(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  private static long any(Random random, long[] values) {
    return values[random.nextInt(values.length)];
  }
}
