package io.isp.lock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsNaming;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP server's request meters ({@code vertx_http_server_active_requests}, {@code _request_bytes},
 * {@code _request_resets_total} by method; {@code _requests_total}, {@code _response_time_seconds},
 * {@code _response_bytes} by route, method and code), each registered the first time its label set
 * is seen and kept: shared by every HTTP server of one Vert.x.
 */
final class CachedHttpServerMeters {

  private static final String METHOD = Label.HTTP_METHOD.toString();
  private static final String ROUTE = Label.HTTP_ROUTE.toString();
  private static final String CODE = Label.HTTP_CODE.toString();

  private final MeterRegistry registry;
  private final MetricsNaming names;
  private final Map<String, MethodMeters> byMethod = new ConcurrentHashMap<>();

  CachedHttpServerMeters(MeterRegistry registry, MetricsNaming names) {
    this.registry = registry;
    this.names = names;
  }

  MethodMeters method(String method) {
    MethodMeters meters = byMethod.get(method);
    return meters != null ? meters : byMethod.computeIfAbsent(method, MethodMeters::new);
  }

  /** The meters of one HTTP method, and the response meters of its routes. */
  final class MethodMeters {

    final LongAdder active = new LongAdder();
    final DistributionSummary requestBytes;
    /** Registered at the first reset, as vertx-micrometer does: most servers never see one. */
    private volatile Counter resets;
    private final String method;
    private final Map<String, RouteMeters> byRoute = new ConcurrentHashMap<>();

    private MethodMeters(String method) {
      this.method = method;
      Gauge.builder(names.getHttpActiveRequests(), active, LongAdder::doubleValue)
        .description("Number of requests being processed")
        .tag(METHOD, method)
        .strongReference(true)
        .register(registry);
      requestBytes = DistributionSummary.builder(names.getHttpRequestBytes())
        .description("Size of requests in bytes")
        .tag(METHOD, method)
        .register(registry);
    }

    Counter resets() {
      Counter counter = resets;
      if (counter == null) {
        resets = counter = Counter.builder(names.getHttpRequestResetsCount())
          .description("Number of request resets")
          .tag(METHOD, method)
          .register(registry);
      }
      return counter;
    }

    ResponseMeters response(String route, int code) {
      RouteMeters meters = byRoute.get(route);
      if (meters == null) {
        meters = byRoute.computeIfAbsent(route, RouteMeters::new);
      }
      return meters.code(code);
    }

    /** The response meters of one route, by status code: a handful per route, so a scanned array. */
    private final class RouteMeters {

      private final String route;
      private volatile ResponseMeters[] byCode = new ResponseMeters[0];

      private RouteMeters(String route) {
        this.route = route;
      }

      ResponseMeters code(int code) {
        for (ResponseMeters meters : byCode) {
          if (meters.code == code) {
            return meters;
          }
        }
        return add(code);
      }

      private synchronized ResponseMeters add(int code) {
        for (ResponseMeters meters : byCode) {
          if (meters.code == code) {
            return meters;
          }
        }
        ResponseMeters meters = new ResponseMeters(code, method, route);
        ResponseMeters[] grown = Arrays.copyOf(byCode, byCode.length + 1);
        grown[grown.length - 1] = meters;
        byCode = grown;
        return meters;
      }
    }
  }

  /** Meters of the responses with one route, method and status code. */
  final class ResponseMeters {

    final int code;
    final Counter requests;
    final Timer responseTime;
    final DistributionSummary responseBytes;

    private ResponseMeters(int code, String method, String route) {
      this.code = code;
      String status = String.valueOf(code);
      requests = Counter.builder(names.getHttpRequestsCount())
        .description("Number of processed requests")
        .tag(METHOD, method).tag(ROUTE, route).tag(CODE, status)
        .register(registry);
      responseTime = Timer.builder(names.getHttpResponseTime())
        .description("Request processing time")
        .tag(METHOD, method).tag(ROUTE, route).tag(CODE, status)
        .register(registry);
      responseBytes = DistributionSummary.builder(names.getHttpResponseBytes())
        .description("Size of responses in bytes")
        .tag(METHOD, method).tag(ROUTE, route).tag(CODE, status)
        .register(registry);
    }
  }
}
