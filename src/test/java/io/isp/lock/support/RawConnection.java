package io.isp.lock.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection on a plain socket, for what a well-behaved client cannot do: send a
 * header byte by byte, promise a body it never sends, hold a connection open and watch it close.
 */
public final class RawConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  public static RawConnection connect(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      return new RawConnection(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A complete request with a JSON body (or none if null), keep-alive. */
  public static String request(String method, String path, String body) {
    StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (body != null) {
      request.append("Content-Type: application/json\r\nContent-Length: ")
        .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    return request.append("\r\n").append(body == null ? "" : body).toString();
  }

  public RawConnection send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public RawConnection send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one byte, false if the server has closed the connection (the write failed). */
  public boolean trySendByte(byte b) {
    try {
      socket.getOutputStream().write(b);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one response (status line, headers, Content-Length body); fails if none comes within {@code timeout}. */
  public HttpResult readResponse(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      int headerEnd;
      while ((headerEnd = indexOf(pending.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) < 0) {
        if (!fill(deadline)) {
          throw new IllegalStateException("connection closed before a response; got: " + pendingText());
        }
      }
      String head = new String(pending.toByteArray(), 0, headerEnd, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0));
      while (pending.size() < headerEnd + 4 + length) {
        if (!fill(deadline)) {
          throw new IllegalStateException("connection closed inside a response body; got: " + pendingText());
        }
      }
      byte[] all = pending.toByteArray();
      String body = new String(all, headerEnd + 4, length, StandardCharsets.UTF_8);
      pending.reset();
      pending.write(all, headerEnd + 4 + length, all.length - headerEnd - 4 - length);
      return new HttpResult(status, HttpHeaders.of(headers, (name, value) -> true), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits up to {@code timeout} for the server to close the connection (end of stream or reset);
   * false if it is still open then. Bytes that arrive meanwhile are kept: see {@link #received()}.
   */
  public boolean awaitClosed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (fill(deadline)) {
        // keep reading until the end of the stream
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the server sent that no {@link #readResponse} has consumed. */
  public String received() {
    return pendingText();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Reads what is there; false at the end of the stream. Throws SocketTimeoutException past the deadline. */
  private boolean fill(long deadlineNanos) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
    byte[] buffer = new byte[8192];
    int n = in.read(buffer);
    if (n < 0) {
      return false;
    }
    pending.write(buffer, 0, n);
    return true;
  }

  private String pendingText() {
    return pending.toString(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
