package io.isp.lock.metrics;

import io.isp.lock.metrics.CachedHttpServerMeters.MethodMeters;
import io.isp.lock.metrics.CachedHttpServerMeters.ResponseMeters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server's metrics: the per-request meters from {@link CachedHttpServerMeters}, the
 * connection-level ones (connections, bytes, errors, WebSockets) from vertx-micrometer's own
 * server metrics. Counts requests as vertx-micrometer does: active from the request's start until
 * both the request and the response have ended (or the request was reset); the route is what
 * vertx-web reports, several routes joined with {@code >}.
 */
final class CachedHttpServerMetrics implements HttpServerMetrics<CachedHttpServerMetrics.Request, Object, Object> {

  private final CachedHttpServerMeters meters;
  private final HttpServerMetrics<Object, Object, Object> connections;

  CachedHttpServerMetrics(CachedHttpServerMeters meters, HttpServerMetrics<Object, Object, Object> connections) {
    this.meters = meters;
    this.connections = connections;
  }

  @Override
  public Request requestBegin(Object socketMetric, HttpRequest request) {
    return new Request(meters.method(request.method().toString()));
  }

  @Override
  public Request responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
    return new Request(meters.method(method.toString()));
  }

  @Override
  public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
    request.method.requestBytes.record(bytesRead);
    request.requestEnded();
  }

  @Override
  public void requestReset(Request request) {
    request.method.resets().increment();
    request.reset();
  }

  @Override
  public void requestRouted(Request request, String route) {
    request.addRoute(route);
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    ResponseMeters responseMeters = request.method.response(request.route(), response.statusCode());
    responseMeters.requests.increment();
    responseMeters.responseTime.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
    responseMeters.responseBytes.record(bytesWritten);
    request.responseEnded();
  }

  @Override
  public Object connected(Object socketMetric, Request request, ServerWebSocket webSocket) {
    // vertx-micrometer reads only the socket's tags here, never the request metric
    return connections.connected(socketMetric, null, webSocket);
  }

  @Override
  public void disconnected(Object webSocketMetric) {
    connections.disconnected(webSocketMetric);
  }

  @Override
  public Object connected(SocketAddress remoteAddress, String remoteName) {
    return connections.connected(remoteAddress, remoteName);
  }

  @Override
  public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
    connections.disconnected(socketMetric, remoteAddress);
  }

  @Override
  public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    connections.bytesRead(socketMetric, remoteAddress, numberOfBytes);
  }

  @Override
  public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
    connections.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
  }

  @Override
  public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
    connections.exceptionOccurred(socketMetric, remoteAddress, t);
  }

  @Override
  public void close() {
    connections.close();
  }

  /** One request in flight. Touched by its connection's event loop only. */
  static final class Request {

    private final MethodMeters method;
    private final long startNanos = System.nanoTime();
    /** A String for one route (the usual case), a List of them for several. */
    private Object routes;
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;

    private Request(MethodMeters method) {
      this.method = method;
      method.active.increment();
    }

    void addRoute(String route) {
      if (route == null) {
        return;
      }
      if (routes == null) {
        routes = route;
      } else if (routes instanceof List<?> list) {
        @SuppressWarnings("unchecked") List<String> names = (List<String>) list;
        names.add(route);
      } else {
        List<String> names = new ArrayList<>(4);
        names.add((String) routes);
        names.add(route);
        routes = names;
      }
    }

    String route() {
      if (routes == null) {
        return "";
      }
      if (routes instanceof String single) {
        return single;
      }
      @SuppressWarnings("unchecked") List<String> names = (List<String>) routes;
      routes = String.join(">", names);
      return (String) routes;
    }

    void requestEnded() {
      requestEnded = true;
      if (responseEnded && !reset) {
        method.active.decrement();
      }
    }

    void responseEnded() {
      responseEnded = true;
      if (requestEnded && !reset) {
        method.active.decrement();
      }
    }

    void reset() {
      if (!reset && !(requestEnded && responseEnded)) {
        method.active.decrement();
      }
      reset = true;
    }
  }
}
