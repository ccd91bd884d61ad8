package backuptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SystemClockTest {
  @Test
  void itIsTheSystemClockInTheMachinesZoneWhicheverThreadReadsTheZoneFirst() throws Exception {
    SystemClock clock = new SystemClock();
    Thread ahead = new Thread(clock::readZone);
    ahead.start();
    ahead.join();

    assertEquals(ZoneId.systemDefault(), clock.getZone());
    assertEquals(ZoneId.systemDefault(), new SystemClock().getZone(), "also unread");
    Instant now = Instant.now();
    assertTrue(Duration.between(now, clock.instant()).abs().toSeconds() < 5);
    assertTrue(Math.abs(clock.millis() - System.currentTimeMillis()) < 5_000);
    Clock utc = clock.withZone(ZoneOffset.UTC);
    assertEquals(ZoneOffset.UTC, utc.getZone());
    assertTrue(Duration.between(now, utc.instant()).abs().toSeconds() < 5);
  }
}
