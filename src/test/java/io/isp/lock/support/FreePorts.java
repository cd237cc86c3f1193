package io.isp.lock.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Hands out free TCP ports on 127.0.0.1, never the same one twice in this JVM. */
public final class FreePorts {

  // A port we handed out may be free again (e.g. while its server is killed for a restart
  // test), so the kernel could return it again: remember every port we gave away.
  private static final Set<Integer> ISSUED = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** Returns a port that was free on 127.0.0.1 a moment ago and was not returned before. */
  public static int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        int port = socket.getLocalPort();
        if (ISSUED.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot probe for a free port", e);
      }
    }
    throw new IllegalStateException("no fresh free port after 100 attempts");
  }
}
