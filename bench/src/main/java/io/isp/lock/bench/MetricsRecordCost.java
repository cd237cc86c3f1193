package io.isp.lock.bench;

import io.isp.lock.config.ManagementConfig;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.isp.lock.metrics.ServiceMetrics;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.List;
import java.util.Optional;

/**
 * What the metrics' own records cost per lock + unlock pair, with no I/O and nothing else running:
 * one thread makes, in a loop, the calls that the service's metrics receive for one HTTP pair (per
 * request: the HTTP server's, the event bus's for the request and its reply, the Redis client's and
 * its connection's, and the {@code isp_lock_*} ones; per pair the wait and the hold), into the
 * meters the service builds ({@link ServiceMetrics}). Unlike an end-to-end run this does not depend on
 * how busy the machine is, so two builds can be compared to a few nanoseconds; what it leaves out is
 * what metrics cost around their records (the grant-time map, the larger code), and, unless asked
 * for, cache misses: in the service the meters are rarely still in the CPU's caches from the previous
 * request, because every pair allocates and touches tens of kilobytes. {@code cold KB} writes through
 * that many kilobytes between pairs, so that the meters are read from further away; run it with the
 * parts {@code none} too, and subtract.
 *
 * <pre>java -cp isp-lock-service.jar:isp-lock-bench.jar io.isp.lock.bench.MetricsRecordCost [pairs per round] [parts] [cold KB]</pre>
 * parts: a comma-separated subset of {@code http,eventbus,redis,lock} (default all), or {@code none}.
 */
public final class MetricsRecordCost {

  private static final String ROUTE = "/api/isp-lock-service/lock";
  private static final String ADDRESS = "isp-lock-service.lock";
  private static final String REPLY = "__vertx.reply.1";
  private static final int ROUNDS = 8;

  private MetricsRecordCost() {
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void main(String[] args) {
    long pairs = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    List<String> parts = List.of((args.length > 1 ? args[1] : "http,eventbus,redis,lock").split(","));
    long[] sweep = new long[(args.length > 2 ? Integer.parseInt(args[2]) : 0) * 1024 / Long.BYTES];
    ServiceMetrics metrics = ServiceMetrics.create(new ManagementConfig(Optional.empty(), true));
    VertxMetrics vertx = metrics.vertxMetricsFactory().orElseThrow().metrics(metrics.vertxOptions(new VertxOptions()));
    HttpServerMetrics http = vertx.createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8080, "127.0.0.1"));
    EventBusMetrics bus = vertx.createEventBusMetrics();
    SocketAddress redisAddress = SocketAddress.inetSocketAddress(6379, "127.0.0.1");
    ClientMetrics redis = vertx.createClientMetrics(redisAddress, "redis", "redis://127.0.0.1:6379");
    TCPMetrics redisConnections = vertx.createNetClientMetrics(new NetClientOptions());
    Object redisSocket = redisConnections.connected(redisAddress, "redis");
    Object httpSocket = http.connected(SocketAddress.inetSocketAddress(40000, "127.0.0.1"), "client");
    Object handler = bus.handlerRegistered(ADDRESS);
    LockMetrics lock = metrics.lock();
    boolean withHttp = parts.contains("http");
    boolean withBus = parts.contains("eventbus");
    boolean withRedis = parts.contains("redis");
    boolean withLock = parts.contains("lock");
    HttpRequest request = new Post();
    HttpResponse response = new Ok();
    System.out.println("| round | ns per pair |");
    System.out.println("| ---: | ---: |");
    for (int round = 1; round <= ROUNDS; round++) {
      long start = System.nanoTime();
      for (long pair = 0; pair < pairs; pair++) {
        for (int i = 0; i < sweep.length; i += 64 / Long.BYTES) {
          sweep[i]++;
        }
        for (int call = 0; call < 2; call++) {
          Object exchange = null;
          if (withHttp) {
            http.bytesRead(httpSocket, null, 200);
            exchange = http.requestBegin(httpSocket, request);
            http.requestRouted(exchange, ROUTE);
            http.requestEnd(exchange, request, 40);
          }
          if (withBus) {
            bus.messageSent(ADDRESS, false, true, false);
            bus.messageReceived(ADDRESS, false, true, 1);
            bus.messageDelivered(handler, true);
            bus.messageSent(REPLY, false, true, false);
            bus.messageReceived(REPLY, false, true, 1);
          }
          if (withRedis) {
            Object command = redis.requestBegin("evalsha", null);
            redis.requestEnd(command);
            redisConnections.bytesWritten(redisSocket, redisAddress, 120);
            redisConnections.bytesRead(redisSocket, redisAddress, 20);
            redis.responseBegin(command, null);
            redis.responseEnd(command);
          }
          if (withLock) {
            lock.request(Primitive.LOCK, call == 0 ? "lock" : "unlock", "ok");
          }
          if (withHttp) {
            http.responseEnd(exchange, response, 120);
            http.bytesWritten(httpSocket, null, 200);
          }
        }
        if (withLock) {
          lock.waited(Primitive.LOCK, "granted", 1_000_000);
          lock.held(Primitive.LOCK, 2_000_000);
        }
      }
      System.out.printf("| %d | %.0f |%n", round, (double) (System.nanoTime() - start) / pairs);
    }
    System.exit(0);
  }

  /** A lock request as the HTTP server's metrics see it. */
  private static final class Post implements HttpRequest {

    @Override
    public int id() {
      return 1;
    }

    @Override
    public String uri() {
      return ROUTE;
    }

    @Override
    public String absoluteURI() {
      return "http://127.0.0.1:8080" + ROUTE;
    }

    @Override
    public HttpMethod method() {
      return HttpMethod.POST;
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }

    @Override
    public SocketAddress remoteAddress() {
      return null;
    }
  }

  /** Its answer. */
  private static final class Ok implements HttpResponse {

    @Override
    public int statusCode() {
      return 200;
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }
  }
}
