package io.envkeeper.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code envkeeper_forwarded_requests_total{outcome}} and {@code
 * envkeeper_forwarded_request_duration_seconds{kind}}: how forwarded calls ended, and how long a
 * call took (for a stream: until the owner's answer began).
 */
@Component
class ForwardMetrics {

  /** How a forwarded call ended. */
  enum Outcome {
    /** The owner answered (whatever its status). */
    ANSWERED,
    /** The owner could not be connected to. */
    UNREACHABLE,
    /** The owner did not answer in time, or a stream went silent. */
    TIMEOUT,
    /** The connection failed after it was made, or the client went away. */
    FAILED,
    /** Refused here before anything was sent (no stream slot free). */
    REFUSED
  }

  private final MeterRegistry meters;
  private final Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();
  private final Timer calls;
  private final Timer streams;

  ForwardMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.calls = timer(meters, "call");
    this.streams = timer(meters, "stream");
  }

  private static Timer timer(MeterRegistry meters, String kind) {
    return Timer.builder("envkeeper.forwarded.request.duration")
        .description("Forwarded calls: whole call, or a stream until the owner's answer began")
        .tag("kind", kind)
        .publishPercentileHistogram()
        .register(meters);
  }

  void outcome(Outcome outcome) {
    outcomes.computeIfAbsent(outcome, o -> Counter.builder("envkeeper.forwarded.requests")
            .description("Requests forwarded to the owner node, by outcome")
            .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
            .register(meters))
        .increment();
  }

  void call(Duration duration) {
    calls.record(duration);
  }

  void streamOpened(Duration duration) {
    streams.record(duration);
  }
}
