package io.isp.lock.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.isp.lock.support.LogCapture;
import io.isp.lock.support.RawConnection;
import io.isp.lock.support.ServiceUnderTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.isp.lock.support.ServiceUnderTest.API;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client that goes away is not a server error: nothing at WARNING or above, at most a debug line. */
@DisplayName("A client disconnecting mid-request is logged at debug at most, never SEVERE or WARNING")
class ClientDisconnectLogTest {

  private ServiceUnderTest service;
  private LogCapture all;
  private LogCapture httpAtDebug;

  @BeforeEach
  void start() {
    service = ServiceUnderTest.start(new JsonObject());
    all = LogCapture.of("", Level.INFO);
    // so that the debug line, if any, shows the disconnect was seen (it reaches the root's capture too)
    httpAtDebug = LogCapture.of("io.isp.lock.http", Level.DEBUG);
  }

  @AfterEach
  void stop() {
    httpAtDebug.close();
    all.close();
    service.close();
  }

  private List<ILoggingEvent> records() {
    return all.events();
  }

  @Test
  @DisplayName("disconnecting while sending the body")
  void disconnectMidBody() {
    try (RawConnection connection = RawConnection.connect(service.port())) {
      connection.send("POST " + API + "/lock HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"key\": \"gone\"");
    }
    // whatever the service says about it, it says it within a moment
    await().atMost(Duration.ofSeconds(10)).until(() -> records().stream().anyMatch(ClientDisconnectLogTest::aboutTheDisconnect));
    assertThat(records()).noneMatch(record -> record.getLevel().isGreaterOrEqual(Level.WARN));
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
    assertThat(records()).noneMatch(record -> record.getLevel().isGreaterOrEqual(Level.WARN));
  }

  private static boolean aboutTheDisconnect(ILoggingEvent record) {
    return record.getLevel().isGreaterOrEqual(Level.WARN)
      || record.getLoggerName().startsWith("io.isp.lock.http") && String.valueOf(record.getFormattedMessage()).contains("went away");
  }
}
