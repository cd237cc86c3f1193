package io.isp.lock.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code MONITOR} on a test's own Redis: every command the server executes, as Redis prints it
 * ({@code +1700000000.123456 [0 127.0.0.1:5678] "evalsha" "ab12..." "3" ...}), collected on a thread of its own.
 */
public final class RedisMonitor implements AutoCloseable {

  private final Socket socket;
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  private RedisMonitor(Socket socket) {
    this.socket = socket;
  }

  public static RedisMonitor start(RedisProcess redis) {
    try {
      Socket socket = new Socket(redis.host(), redis.port());
      RedisMonitor monitor = new RedisMonitor(socket);
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (!"+OK".equals(in.readLine())) {
        throw new IllegalStateException("MONITOR refused");
      }
      Thread reader = new Thread(() -> {
        try {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            monitor.lines.add(line);
          }
        } catch (IOException closed) {
          // closed by close()
        }
      }, "redis-monitor-" + redis.port());
      reader.setDaemon(true);
      reader.start();
      return monitor;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commands executed so far, as printed by Redis. */
  public List<String> commands() {
    return List.copyOf(lines);
  }

  /** How many executed commands contain {@code text} (e.g. a script's SHA-1). */
  public long count(String text) {
    return lines.stream().filter(line -> line.contains(text)).count();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
