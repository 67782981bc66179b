package io.envkeeper.deploy;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.util.unit.DataSize;

/**
 * The shapes API.md promises for configuration whose properties classes are being written beside
 * this chart (workers, security). {@link PropertiesClasses} binds a stand-in only while no real
 * type under {@code io.envkeeper} binds its prefix; from the day one does, the real type is the
 * judge. Deliberately not {@code @ConfigurationProperties}: the application's scan must never see
 * them.
 */
final class ContractStandIns {

  /** Stand-in per contract prefix. */
  static final Map<ConfigurationPropertyName, Class<?>> BY_PREFIX =
      Map.of(
          ConfigurationPropertyName.of("envkeeper.workers"), Workers.class,
          ConfigurationPropertyName.of("envkeeper.security"), Security.class);

  private ContractStandIns() {}

  /** {@code envkeeper.workers.profiles.<name>.*} of API.md. */
  record Workers(Map<String, @Valid Profile> profiles) {}

  record Profile(
      @NotEmpty List<@NotBlank String> command,
      Map<String, String> env,
      Boolean allowArgs,
      @Positive Integer maxPerEnvironment,
      String shutdownMessage,
      String ackLine,
      Duration ackTimeout,
      Duration stopGrace,
      Duration killTimeout,
      DataSize logMaxBytes) {}

  /** {@code envkeeper.security.tokens[i].*} of API.md. */
  record Security(List<@Valid Token> tokens) {}

  record Token(
      @NotBlank @Pattern(regexp = "sha256:[0-9a-f]{64}") String hash,
      @NotBlank String tenant,
      @NotBlank @Pattern(regexp = "client|admin") String role) {}
}
