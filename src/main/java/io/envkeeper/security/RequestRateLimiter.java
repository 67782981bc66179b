package io.envkeeper.security;

import io.envkeeper.config.LimitsProperties;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * One token bucket per client token (Bucket4j, in memory): {@code burst} requests at once, refilled
 * at {@code requests-per-second}. Only authenticated callers get a bucket, so the map is bounded by
 * the number of valid tokens; as a last guard it is emptied if it ever grows past
 * {@link #MAX_BUCKETS}.
 */
@Component
class RequestRateLimiter {

  static final int MAX_BUCKETS = 10_000;

  private final Bandwidth bandwidth;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RequestRateLimiter(LimitsProperties limits) {
    this.bandwidth =
        Bandwidth.builder()
            .capacity(limits.burst())
            .refillGreedy(limits.requestsPerSecond(), Duration.ofSeconds(1))
            .build();
  }

  /** Takes one request from the caller's bucket; empty if allowed, else how long to wait. */
  Optional<Duration> tryAcquire(Caller caller) {
    if (buckets.size() > MAX_BUCKETS) {
      buckets.clear();
    }
    Bucket bucket = buckets.computeIfAbsent(caller.tokenId(), id -> Bucket.builder().addLimit(bandwidth).build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
  }
}
