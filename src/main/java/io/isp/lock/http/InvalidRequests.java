package io.isp.lock.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@link io.vertx.core.http.HttpServer#invalidRequestHandler}: a request the HTTP decoder could not
 * read (request line or header section too long, malformed syntax) gets a problem instead of Vert.x's
 * empty one, with the same status Vert.x chooses, and the connection is closed: after a decoding
 * error the rest of the stream cannot be trusted to start a request.
 *
 * <p>Not covered: a client opening with the HTTP/2 preface. Vert.x answers it with a bare 501 before
 * any handler of ours runs; an HTTP/2 client could not read an HTTP/1.1 problem anyway.
 */
final class InvalidRequests {

  private InvalidRequests() {
  }

  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    HttpError error;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      error = HttpError.URI_TOO_LONG;
      detail = "the request line exceeds " + HttpVerticle.MAX_INITIAL_LINE_BYTES + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = HttpError.REQUEST_HEADER_FIELDS_TOO_LARGE;
      detail = "the request's header fields exceed " + HttpVerticle.MAX_HEADER_BYTES + " bytes";
    } else {
      error = HttpError.BAD_REQUEST;
      detail = "not a valid HTTP/1.1 request" + (cause == null || cause.getMessage() == null ? ""
        : ": " + abbreviate(cause.getMessage()));
    }
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    // no instance: the decoder did not get as far as a path we could name
    Problems.send(request.response(), null, error, null, detail);
    request.connection().close();
  }

  /** Decoder messages may quote what the client sent; keep the problem small. */
  private static String abbreviate(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }
}
