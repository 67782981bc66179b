package io.envkeeper.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * A clock a test moves by hand, for behaviour that depends on time passing (expiry): it stands
 * still unless told to move. Import {@link Config} to make it the application's clock (it wins
 * over the real one, which stays defined).
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start.truncatedTo(ChronoUnit.MICROS));
  }

  /** A clock standing at the current real time. */
  public static MutableClock startingNow() {
    return new MutableClock(Instant.now());
  }

  public Instant advance(Duration by) {
    return now.updateAndGet(current -> current.plus(by));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  /**
   * Makes a {@link MutableClock} standing at the context's start the application's clock. Not a
   * {@code @TestConfiguration}: it is only ever imported, so component scanning of an application
   * started by hand ({@link TestApplication}) never picks it up.
   */
  public static class Config {
    @Bean
    @Primary
    MutableClock mutableClock() {
      return startingNow();
    }
  }
}
