package io.envkeeper.runtime.process;

import java.time.Duration;

/**
 * The bounds of one worker's stop protocol.
 *
 * @param shutdownMessage written to stdin first, or null to go straight to SIGTERM
 */
public record StopTimeouts(String shutdownMessage, Duration ackTimeout, Duration stopGrace, Duration killTimeout) {

  /** For a process known only from its row (after a restart): no control channel any more. */
  public static StopTimeouts withoutMessage(Duration stopGrace, Duration killTimeout) {
    return new StopTimeouts(null, Duration.ZERO, stopGrace, killTimeout);
  }

  /** The longest the whole protocol can take: every step to its bound ({@code exitAfterAck} after an ack). */
  public Duration total(Duration exitAfterAck) {
    Duration message = shutdownMessage == null ? Duration.ZERO : ackTimeout.plus(exitAfterAck);
    return message.plus(stopGrace).plus(killTimeout);
  }
}
