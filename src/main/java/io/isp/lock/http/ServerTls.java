package io.isp.lock.http;

import io.isp.lock.config.HttpTls;
import io.vertx.core.http.HttpServerOptions;

import java.util.Optional;

/**
 * HTTPS on the server's one port ({@code http.tls.*}). With TLS on there is no plain listener at
 * all: a client that speaks plain HTTP to the port fails the handshake and is closed. ALPN stays
 * off, so HTTPS is HTTP/1.1 only, like plain HTTP (see HttpVerticle on why not HTTP/2).
 */
final class ServerTls {

  private ServerTls() {
  }

  static HttpServerOptions configure(Optional<HttpTls> tls, HttpServerOptions options) {
    tls.ifPresent(https -> {
      options.setSsl(true).setKeyCertOptions(https.keyCert()).setClientAuth(https.clientAuth());
      // mutual TLS: the handshake fails for a client without a certificate that chains to these CAs
      https.clientTrust().ifPresent(options::setTrustOptions);
    });
    return options;
  }
}
