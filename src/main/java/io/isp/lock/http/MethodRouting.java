package io.isp.lock.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What HTTP asks of every resource whatever its handler: HEAD answers as GET does without the body
 * (RFC 9110 §9.3.2), OPTIONS lists the methods (§9.3.7) and so does a 405's {@code Allow} (§15.5.6).
 * The methods are read from the router's own routes, so a new endpoint needs nothing here.
 *
 * <p>Only routes with a plain path ({@code /a/b}) or a prefix ({@code /a/*}) are understood; every
 * route of this service is one or the other.
 */
final class MethodRouting {

  private MethodRouting() {
  }

  /**
   * A GET route that answers HEAD too. A prefix path ({@code .../locks/*}) matches only paths under
   * it: vertx-web would also give it {@code .../locks}, a resource this service does not have.
   */
  static Route getAndHead(Router router, String path) {
    // named by its template: the name is the route label of Vert.x's HTTP metrics (vertx-web would
    // report a prefix route's path without its *)
    Route route = router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).setName(path);
    if (path.endsWith("/*")) {
      String prefix = path.substring(0, path.length() - 1);
      route.handler(ctx -> {
        if (ctx.normalizedPath().startsWith(prefix)) {
          ctx.next();
        } else {
          ctx.fail(404);
        }
      });
    }
    return route;
  }

  /**
   * A DELETE route for the paths under a prefix ({@code .../locks/*}). vertx-web would also give it
   * the bare prefix ({@code .../locks}), a resource that exists with other methods: 405 there.
   */
  static Route deleteUnder(Router router, String path) {
    String prefix = path.substring(0, path.length() - 1);
    return router.delete(path).setName(path).handler(ctx -> {
      if (ctx.normalizedPath().startsWith(prefix)) {
        ctx.next();
      } else {
        ctx.fail(405);
      }
    });
  }

  /**
   * HEAD gets GET's headers, Content-Length included: Vert.x sends none for HEAD, leaving the
   * client unable to tell the size the GET would have had.
   */
  static void headLikeGet(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.HEAD) {
      HttpServerResponse response = ctx.response();
      // runs in end(body), after the body's length is counted and before the head is written
      ctx.addHeadersEndHandler(v -> {
        if (!response.isChunked() && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
          response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(response.bytesWritten()));
        }
      });
    }
    ctx.next();
  }

  /** OPTIONS on a resource that exists: 204 with {@code Allow}; elsewhere routing goes on to its 404. No CORS. */
  static Handler<RoutingContext> options(Router router) {
    return ctx -> {
      String allow = ctx.request().method() == HttpMethod.OPTIONS ? allow(router, ctx.normalizedPath()) : null;
      if (allow == null) {
        ctx.next();
      } else {
        ctx.response().setStatusCode(204).putHeader(HttpHeaders.ALLOW, allow).end();
      }
    };
  }

  /** The methods the router serves at {@code path}, e.g. {@code "GET, HEAD"}; null if none (no such resource). */
  static String allow(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : endpoints(router)) {
      if (matches(route, path)) {
        route.methods().forEach(method -> methods.add(method.name()));
      }
    }
    return methods.isEmpty() ? null : String.join(", ", methods);
  }

  /**
   * The routes that serve a resource: a plain or prefix path and the methods they take. Routes for
   * any method (route.methods() null: auth, the catch-alls) do not answer 405 and name no resource.
   */
  static List<Route> endpoints(Router router) {
    List<Route> endpoints = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> routeMethods = route.methods();
      if (routeMethods != null && !routeMethods.isEmpty() && route.getPath() != null && !route.isRegexPath()) {
        endpoints.add(route);
      }
    }
    return endpoints;
  }

  /** The path as registered: {@code /api/isp-lock-service/locks/*} for a prefix route (vertx-web keeps it without the *). */
  static String template(Route route) {
    return route.isExactPath() ? route.getPath() : route.getPath() + "*";
  }

  /** vertx-web's matching of a normalized path, less its leniency towards a prefix route's bare prefix. */
  static boolean matches(Route route, String path) {
    String routePath = route.getPath();
    if (!route.isExactPath()) {
      return path.startsWith(routePath);
    }
    // an exact path matches with or without a trailing slash, unless the route's own ends in one
    return path.equals(routePath)
      || !routePath.endsWith("/") && path.length() == routePath.length() + 1 && path.startsWith(routePath) && path.endsWith("/");
  }
}
