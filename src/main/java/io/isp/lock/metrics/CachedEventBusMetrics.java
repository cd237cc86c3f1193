package io.isp.lock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsNaming;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The event bus's meters ({@code vertx_eventbus_*}: handlers, pending, processed, discarded,
 * published, sent, received, delivered by address and side; bytes read and written by address;
 * reply failures by address and failure), as vertx-micrometer defines them, each looked up once per
 * address and side and kept. Vert.x's own addresses ({@code __vertx.*}, e.g. every reply address)
 * are left out, as vertx-micrometer leaves them out. Each meter is registered when first used, so
 * {@code /metrics} shows the same series as with vertx-micrometer's implementation.
 */
final class CachedEventBusMetrics implements EventBusMetrics<CachedEventBusMetrics.Address> {

  private static final String ADDRESS = Label.EB_ADDRESS.toString();
  private static final String SIDE = Label.EB_SIDE.toString();
  private static final String FAILURE = Label.EB_FAILURE.toString();

  private final MeterRegistry registry;
  private final MetricsNaming names;
  private final Map<String, Address> addresses = new ConcurrentHashMap<>();
  /** The adders the gauges read, by meter name and tags. */
  private final Map<String, LongAdder> gauges = new ConcurrentHashMap<>();

  CachedEventBusMetrics(MeterRegistry registry, MetricsNaming names) {
    this.registry = registry;
    this.names = names;
  }

  /** Null for Vert.x's internal addresses, which are not measured. */
  private Address address(String address) {
    if (address.startsWith("__vertx.")) {
      return null;
    }
    Address meters = addresses.get(address);
    return meters != null ? meters : addresses.computeIfAbsent(address, Address::new);
  }

  @Override
  public Address handlerRegistered(String address) {
    Address meters = address(address);
    if (meters != null) {
      meters.handlers().increment();
      // a handler's meters are shown from its registration on, at zero until used
      for (Side side : new Side[] {meters.local, meters.remote}) {
        side.pending();
        side.processed();
        side.discarded();
      }
    }
    return meters;
  }

  @Override
  public void handlerUnregistered(Address meters) {
    if (meters != null) {
      meters.handlers().decrement();
    }
  }

  @Override
  public void messageDelivered(Address meters, boolean local) {
    if (meters != null) {
      Side side = meters.side(local);
      side.pending().decrement();
      side.processed().increment();
    }
  }

  @Override
  public void discardMessage(Address meters, boolean local, Message<?> msg) {
    if (meters != null) {
      Side side = meters.side(local);
      side.pending().decrement();
      side.discarded().increment();
    }
  }

  @Override
  public void messageSent(String address, boolean publish, boolean local, boolean remote) {
    Address meters = address(address);
    if (meters != null) {
      Side side = meters.side(local);
      (publish ? side.published() : side.sent()).increment();
    }
  }

  @Override
  public void messageReceived(String address, boolean publish, boolean local, int handlers) {
    Address meters = address(address);
    if (meters != null) {
      Side side = meters.side(local);
      side.received().increment();
      if (handlers > 0) {
        side.pending().add(handlers);
        side.delivered().increment();
      }
    }
  }

  @Override
  public void messageWritten(String address, int numberOfBytes) {
    Address meters = address(address);
    if (meters != null) {
      meters.bytesWritten().record(numberOfBytes);
    }
  }

  @Override
  public void messageRead(String address, int numberOfBytes) {
    Address meters = address(address);
    if (meters != null) {
      meters.bytesRead().record(numberOfBytes);
    }
  }

  @Override
  public void replyFailure(String address, ReplyFailure failure) {
    if (address(address) != null) {
      // rare: looked up in the registry each time
      Counter.builder(names.getEbReplyFailures())
        .description("Number of message reply failures")
        .tags(ADDRESS, address, FAILURE, failure.name())
        .register(registry)
        .increment();
    }
  }

  /**
   * The meters of one address. Each is created on first use; two threads racing to create one get
   * the same meter from the registry, so a lost race costs a lookup, never a count.
   */
  final class Address {

    private final String address;
    private final Side local;
    private final Side remote;
    private volatile LongAdder handlers;
    private volatile DistributionSummary bytesWritten;
    private volatile DistributionSummary bytesRead;

    private Address(String address) {
      this.address = address;
      this.local = new Side(Tags.of(ADDRESS, address, SIDE, "local"));
      this.remote = new Side(Tags.of(ADDRESS, address, SIDE, "remote"));
    }

    Side side(boolean isLocal) {
      return isLocal ? local : remote;
    }

    LongAdder handlers() {
      LongAdder adder = handlers;
      if (adder == null) {
        handlers = adder = gauge(names.getEbHandlers(), "Number of event bus handlers in use", Tags.of(ADDRESS, address));
      }
      return adder;
    }

    DistributionSummary bytesWritten() {
      DistributionSummary summary = bytesWritten;
      if (summary == null) {
        bytesWritten = summary = DistributionSummary.builder(names.getEbBytesWritten())
          .description("Number of bytes sent while sending messages to event bus cluster peers")
          .tag(ADDRESS, address)
          .register(registry);
      }
      return summary;
    }

    DistributionSummary bytesRead() {
      DistributionSummary summary = bytesRead;
      if (summary == null) {
        bytesRead = summary = DistributionSummary.builder(names.getEbBytesRead())
          .description("Number of bytes received while reading messages from event bus cluster peers")
          .tag(ADDRESS, address)
          .register(registry);
      }
      return summary;
    }
  }

  /**
   * The meters of one address on one side (local: sent within this JVM; remote: across the cluster).
   * Each in a field of its own, created on first use: a message costs a field read per meter, not a
   * map lookup by name.
   */
  final class Side {

    private final Tags tags;
    private volatile LongAdder pending;
    private volatile Counter processed;
    private volatile Counter discarded;
    private volatile Counter published;
    private volatile Counter sent;
    private volatile Counter received;
    private volatile Counter delivered;

    private Side(Tags tags) {
      this.tags = tags;
    }

    LongAdder pending() {
      LongAdder adder = pending;
      if (adder == null) {
        pending = adder = gauge(names.getEbPending(), "Number of messages not processed yet", tags);
      }
      return adder;
    }

    Counter processed() {
      Counter counter = processed;
      return counter != null ? counter : (processed = counter(names.getEbProcessed(), "Number of processed messages"));
    }

    Counter discarded() {
      Counter counter = discarded;
      return counter != null ? counter : (discarded = counter(names.getEbDiscarded(), "Number of discarded messages"));
    }

    Counter published() {
      Counter counter = published;
      return counter != null ? counter
        : (published = counter(names.getEbPublished(), "Number of messages published (publish / subscribe)"));
    }

    Counter sent() {
      Counter counter = sent;
      return counter != null ? counter : (sent = counter(names.getEbSent(), "Number of messages sent (point-to-point)"));
    }

    Counter received() {
      Counter counter = received;
      return counter != null ? counter : (received = counter(names.getEbReceived(), "Number of messages received"));
    }

    Counter delivered() {
      Counter counter = delivered;
      return counter != null ? counter
        : (delivered = counter(names.getEbDelivered(), "Number of messages delivered to handlers"));
    }

    /** Two threads racing here get the same counter from the registry: a lost race costs a lookup, never a count. */
    private Counter counter(String name, String description) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }
  }

  /**
   * A gauge reading a LongAdder. Two threads racing here must end up counting on the one adder the
   * registry reads: the adders are kept per meter, and the gauge registered (or found) reads that one.
   */
  private LongAdder gauge(String name, String description, Tags tags) {
    return gauges.computeIfAbsent(name + tags, key -> {
      LongAdder adder = new LongAdder();
      Gauge.builder(name, adder, LongAdder::doubleValue).description(description).tags(tags).strongReference(true)
        .register(registry);
      return adder;
    });
  }
}
