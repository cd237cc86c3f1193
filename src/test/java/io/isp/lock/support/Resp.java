package io.isp.lock.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/** Minimal blocking RESP2 client, one connection per call: lets fixtures poll without forking redis-cli. */
final class Resp {

  /** An error reply such as {@code -NOAUTH ...} or {@code -LOADING ...}. */
  static final class ErrorReply extends RuntimeException {
    ErrorReply(String message) {
      super(message);
    }
  }

  private Resp() {}

  /**
   * Sends one command (after AUTH when {@code auth} is non-null) and returns the reply as a String,
   * Long, List or null; error replies throw {@link ErrorReply}.
   */
  static Object call(int port, Credentials auth, Duration timeout, String... command) throws IOException {
    return call(port, null, auth, timeout, command);
  }

  /** As {@link #call(int, Credentials, Duration, String...)}, over TLS when {@code tls} is not null. */
  static Object call(int port, SSLSocketFactory tls, Credentials auth, Duration timeout, String... command)
      throws IOException {
    try (Socket plain = new Socket()) {
      // Bounded connect and read: a SIGSTOPped server must make us fail, not hang.
      plain.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      plain.setSoTimeout((int) timeout.toMillis());
      Socket socket = tls == null ? plain : tls.createSocket(plain, "127.0.0.1", port, true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (auth != null) {
        write(out, auth.user() == null
            ? new String[] {"AUTH", auth.password()}
            : new String[] {"AUTH", auth.user(), auth.password()});
        read(in);
      }
      write(out, command);
      return read(in);
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      buf.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      buf.writeBytes(bytes);
      buf.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(buf.toByteArray());
    out.flush();
  }

  private static Object read(InputStream in) throws IOException {
    String line = readLine(in);
    String body = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return body;
      case '-':
        throw new ErrorReply(body);
      case ':':
        return Long.parseLong(body);
      case '$': {
        int len = Integer.parseInt(body);
        if (len < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(len + 2); // payload plus CRLF
        if (bytes.length < len + 2) {
          throw new EOFException("truncated bulk string");
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(body);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          try {
            items.add(read(in));
          } catch (ErrorReply e) {
            items.add(e); // e.g. one failed command inside EXEC: keep the rest readable
          }
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP line: " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed");
      }
      if (prev == '\r' && b == '\n') {
        byte[] bytes = buf.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      buf.write(b);
      prev = b;
    }
  }
}
