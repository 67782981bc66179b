package io.envkeeper.environment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Idempotency-Key replays of creates: an earlier create of the same tenant with the same key and
 * body answers its environment again; the same key with another body is refused. A body is
 * compared by the SHA-256 of its canonical JSON.
 */
@Component
record CreateReplays(IdempotencyRecordRepository idempotencyRecords, EnvironmentRepository environments) {

  /** The hash a create's body is recorded and compared by. */
  static String requestHash(CreateEnvironmentCommand command) {
    return sha256(command.canonicalJson());
  }

  /** The environment an earlier create with this key made, if any (refused if its body differed). */
  Optional<Environment> replay(IdempotencyRecord.Key key, String requestHash) {
    return idempotencyRecords
        .findById(key)
        .map(
            record -> {
              if (!record.getRequestHash().equals(requestHash)) {
                throw new IdempotencyKeyReusedException();
              }
              return environments
                  .findById(record.getEnvironmentId())
                  .orElseThrow(() -> new EnvironmentNotFoundException(record.getEnvironmentId()));
            });
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
