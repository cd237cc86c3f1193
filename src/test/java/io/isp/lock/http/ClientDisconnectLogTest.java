package io.isp.lock.http;

import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that goes away is not a server error: nothing at WARNING or above, at most a debug line. */
@DisplayName("A client disconnecting mid-request is logged at debug at most, never SEVERE or WARNING")
class ClientDisconnectLogTest {

  private static final Logger ROOT = Logger.getLogger("");
  private static final Logger HTTP = Logger.getLogger("io.isp.lock.http");

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Level httpLevel;
  private ServiceUnderTest service;

  @BeforeEach
  void start() {
    service = ServiceUnderTest.start(new JsonObject());
    capture.setLevel(Level.ALL);
    ROOT.addHandler(capture);
    httpLevel = HTTP.getLevel();
    HTTP.setLevel(Level.FINE); // so that the debug line, if any, shows the disconnect was seen
  }

  @AfterEach
  void stop() {
    ROOT.removeHandler(capture);
    HTTP.setLevel(httpLevel);
    service.close();
  }

  @Test
  @DisplayName("disconnecting while sending the body")
  void disconnectMidBody() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"key\": \"gone\"");
    }
    // whatever the service says about it, it says it within a moment
    await().atMost(Duration.ofSeconds(10)).until(() -> records.stream().anyMatch(ClientDisconnectLogTest::aboutTheDisconnect));
    assertThat(records).noneMatch(record -> record.getLevel().intValue() >= Level.WARNING.intValue());
  }

  @Test
  @DisplayName("disconnecting while a lock call waits")
  void disconnectWhileWaiting() {
    service.lockKeyFor("held", 30);
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send(RawConnection.request("POST", API + "/lock", "{\"key\": \"held\", \"waitTimeout\": 30}"));
      await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> service.waiters() == 0);
    assertThat(records).noneMatch(record -> record.getLevel().intValue() >= Level.WARNING.intValue());
  }

  private static boolean aboutTheDisconnect(LogRecord record) {
    return record.getLevel().intValue() >= Level.WARNING.intValue()
      || record.getLoggerName().startsWith("io.isp.lock.http") && String.valueOf(record.getMessage()).contains("went away");
  }
}
