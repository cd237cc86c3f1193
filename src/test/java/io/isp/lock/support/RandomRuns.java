package io.isp.lock.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Property-based testing in a few lines, on plain JUnit: a property is checked against many
 * generated lists of steps, from one seed; the first list that fails is shrunk (chunks of steps
 * removed while it still fails) and reported with its seed, so that the counterexample is short and
 * the run can be repeated exactly with {@code -Drandom.seed=<seed>}.
 *
 * <p>Why not jqwik, which the issue names: from 1.10 its maintainer asks that it not be used with AI
 * coding agents at all (its "Anti-AI Usage Clause"), and this code is written with one; an older
 * release picked only to step around that would ignore the same wish (docs/reliability.md).
 */
public final class RandomRuns {

  /** Seeds of properties run in this JVM are printed when they fail; this one fixes them all. */
  public static final String SEED_PROPERTY = "random.seed";

  private RandomRuns() {
  }

  /** The seed for a property run: {@code -Drandom.seed} if given, else a fresh one. */
  public static long seed() {
    String fixed = System.getProperty(SEED_PROPERTY);
    return fixed != null && !fixed.isBlank() ? Long.parseLong(fixed.trim()) : new Random().nextLong();
  }

  /**
   * Runs {@code property} on {@code runs} lists made by {@code generate}; throws an AssertionError
   * naming the seed and the shrunk list of the first failure.
   */
  public static <S> void check(int runs, Function<Random, List<S>> generate, Consumer<List<S>> property) {
    long seed = seed();
    Random random = new Random(seed);
    for (int run = 0; run < runs; run++) {
      List<S> steps = generate.apply(random);
      Throwable failure = failure(property, steps);
      if (failure != null) {
        List<S> shrunk = shrink(property, steps);
        Throwable shrunkFailure = failure(property, shrunk);
        StringBuilder report = new StringBuilder()
          .append("property failed on run ").append(run + 1).append(" of ").append(runs)
          .append(" (repeat with -D").append(SEED_PROPERTY).append('=').append(seed).append("); shrunk from ")
          .append(steps.size()).append(" to ").append(shrunk.size()).append(" steps:\n");
        shrunk.forEach(step -> report.append("  ").append(step).append('\n'));
        report.append("fails with: ").append(shrunkFailure);
        throw new AssertionError(report.toString(), shrunkFailure);
      }
    }
  }

  /** Removes chunks of steps, halving the chunk size down to single steps, while the property still fails. */
  static <S> List<S> shrink(Consumer<List<S>> property, List<S> failing) {
    List<S> current = failing;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
        for (int from = 0; from + chunk <= current.size(); ) {
          List<S> candidate = new ArrayList<>(current.subList(0, from));
          candidate.addAll(current.subList(from + chunk, current.size()));
          if (failure(property, candidate) != null) {
            current = candidate;
            progress = true;
          } else {
            from += chunk;
          }
        }
      }
    }
    return current;
  }

  private static <S> Throwable failure(Consumer<List<S>> property, List<S> steps) {
    try {
      property.accept(List.copyOf(steps));
      return null;
    } catch (Exception | AssertionError failure) {
      return failure;
    }
  }
}
