package io.isp.lock.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Something a test needs running (a Redis, Sentinels, the service), declared in one line:
 * <pre>{@code
 * @RegisterExtension static final RedisProcess redis = RedisProcess.fixture();      // one per class
 * @RegisterExtension final ServiceUnderTest service = ServiceUnderTest.on(redis); // one per test
 * }</pre>
 * A static field's fixture starts before the class's first test and stops after its last; an
 * instance field's starts before each test and stops after it. Fixtures start in the order their
 * fields are declared and stop in reverse, so one may use another declared above it.
 */
public abstract class Fixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
  AutoCloseable {

  private boolean perClass;
  private boolean running;

  /** Starts it; called once per class or per test. */
  protected abstract void open();

  /** Stops it and frees what it holds. */
  protected abstract void shut();

  /** Starts it now, for a test that makes one inline (then close it, e.g. with try-with-resources). */
  @SuppressWarnings("unchecked")
  public final <T extends Fixture> T started() {
    ensureRunning();
    return (T) this;
  }

  /** For a fixture made from one that already runs (a view of it): running from the start, {@link #open} never called. */
  protected final void alreadyRunning() {
    running = true;
  }

  protected final void ensureRunning() {
    if (!running) {
      open();
      running = true;
    }
  }

  @Override
  public final void beforeAll(ExtensionContext context) {
    perClass = true;
    ensureRunning();
  }

  @Override
  public final void beforeEach(ExtensionContext context) {
    ensureRunning();
  }

  @Override
  public final void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  @Override
  public final void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public final void close() {
    if (running) {
      running = false;
      shut();
    }
  }
}
