package io.isp.lock.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A client that really dies: a JVM of its own that opens a session, takes a lock, prints the reply on
 * one line, and then holds it (answering pings) until it is killed. {@link #start} runs it.
 */
public final class SessionHolder implements AutoCloseable {

  private final Process process;

  private SessionHolder(Process process) {
    this.process = process;
  }

  /** Starts the JVM; returns once it holds {@code key}, with the grant it printed. */
  public static SessionHolder start(int port, String key, double ttlSeconds) {
    try {
      Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), SessionHolder.class.getName(),
        Integer.toString(port), key, Double.toString(ttlSeconds))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return new SessionHolder(process);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The line the child printed after its lock call: the reply (log lines before it are skipped). */
  public JsonObject grant() {
    try {
      while (true) {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = process.getInputStream().read()) != -1 && c != '\n') {
          line.append((char) c);
        }
        if (line.toString().startsWith("{\"id\"")) {
          return new JsonObject(line.toString());
        }
        if (c == -1) {
          throw new IllegalStateException("the session holder exited without a reply");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no close frame, the kernel closes the connection. */
  public void kill() {
    process.destroyForcibly();
  }

  public boolean awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  public static void main(String[] args) throws InterruptedException {
    SessionClient session = ServiceUnderTest.await(SessionClient.connect(Integer.parseInt(args[0]), List.of()));
    JsonObject reply = session.lock(args[1], Double.parseDouble(args[2]), 0);
    System.out.println(reply.encode());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
