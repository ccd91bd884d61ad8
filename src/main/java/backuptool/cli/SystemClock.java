package backuptool.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The system clock in the machine's time zone, which it reads when first asked rather than when
 * made: reading it cold takes about 17 ms, which {@link StartAhead} spends on another thread while
 * the run starts. Otherwise {@code Clock.systemDefaultZone()}.
 */
final class SystemClock extends Clock {
  private volatile ZoneId zone;

  @Override
  public ZoneId getZone() {
    ZoneId z = zone;
    return z != null ? z : readZone();
  }

  /** Reads the machine's time zone and its rules, once for both threads (the JVM caches them). */
  ZoneId readZone() {
    ZoneId z = ZoneId.systemDefault();
    zone = z;
    return z;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return Clock.system(zone);
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }
}
