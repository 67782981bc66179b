package io.envkeeper.embeddeddb;

import io.envkeeper.files.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every connection to the embedded PostgreSQL needs a password: a random one generated at the
 * first start, kept only in {@code <data-dir>/postgres.password} (0600), checked with
 * SCRAM-SHA-256; {@code pg_hba.conf} has no other rule (no {@code trust}, no replication).
 *
 * <p>Runs before the server starts, so it never listens with weaker authentication:
 *
 * <ul>
 *   <li>A new data directory is initialised with password authentication from the start
 *       ({@code initdb --auth=scram-sha-256 --pwfile}).
 *   <li>An existing one whose {@code pg_hba.conf} is not ours (the earlier release's {@code trust}
 *       rules) or whose password file is gone gets the password set through PostgreSQL's
 *       single-user backend (no network, no authentication involved), then its rules replaced.
 *       Nothing else in it changes. A crash half-way leaves rules that are still not ours, so the
 *       next start does it again (setting the same password twice is harmless).
 * </ul>
 */
final class EmbeddedCredential {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCredential.class);

  static final String SUPERUSER = "postgres";
  private static final int PASSWORD_BYTES = 32;
  private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_-]{20,200}");

  /** Exactly what pg_hba.conf holds once the directory is ours. */
  static final String HOST_BASED_AUTHENTICATION =
      """
      # Written by Envkeeper at start-up; edits are replaced. Every connection needs the password
      # kept in <data-dir>/postgres.password, checked with SCRAM-SHA-256. Nothing is trusted.
      # TYPE  DATABASE  USER  ADDRESS        METHOD
      local   all       all                  scram-sha-256
      host    all       all   127.0.0.1/32   scram-sha-256
      host    all       all   ::1/128        scram-sha-256
      """;

  private final PostgresBinaries binaries;
  private final Path passwordFile;
  private final SecureRandom random = new SecureRandom();

  EmbeddedCredential(PostgresBinaries binaries, Path passwordFile) {
    this.binaries = binaries;
    this.passwordFile = passwordFile;
  }

  /** Makes {@code postgresData} require the password (initialising it if new) and returns it. */
  String prepare(Path postgresData) throws IOException {
    if (!Files.exists(postgresData.resolve("postgresql.conf"))) {
      String password = readOrCreatePassword();
      initialise(postgresData);
      writeRules(postgresData);
      return password;
    }
    boolean ours = isOurs(postgresData);
    if (ours && Files.exists(passwordFile)) {
      OwnerOnlyFiles.restrict(passwordFile);
      return readPassword();
    }
    log.warn("embedded database: {} accepts connections without a password (made by an earlier release);"
        + " setting a password and requiring it from now on", postgresData);
    String password = readOrCreatePassword();
    setPassword(postgresData, password);
    writeRules(postgresData);
    log.info("embedded database: {} now requires the password in {}", postgresData, passwordFile);
    return password;
  }

  private void initialise(Path postgresData) throws IOException {
    log.info("embedded database: initialising {} with password authentication", postgresData);
    binaries.run(
        "initdb",
        List.of(
            "--auth=scram-sha-256", "--pwfile=" + passwordFile, "--username=" + SUPERUSER,
            "--pgdata=" + postgresData, "--encoding=UTF-8"),
        "");
  }

  /** The single-user backend reads SQL from stdin; only the SCRAM verifier is ever sent. */
  private void setPassword(Path postgresData, String password) throws IOException {
    String statement = "ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + ScramVerifier.of(password, random) + "';\n";
    String output = binaries.run("postgres", List.of("--single", "-D", postgresData.toString(), SUPERUSER), statement);
    // The backend reports a failed statement on its output and still exits 0.
    if (output.contains("ERROR:") || output.contains("FATAL:") || output.contains("PANIC:")) {
      throw new IOException("cannot set the embedded database's password: the single-user backend said:\n"
          + output.lines().filter(line -> !line.contains("SCRAM-SHA-256$")).reduce("", (a, b) -> a + b + "\n"));
    }
  }

  private static void writeRules(Path postgresData) throws IOException {
    OwnerOnlyFiles.writeAtomically(
        postgresData.resolve("pg_hba.conf"), HOST_BASED_AUTHENTICATION.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean isOurs(Path postgresData) throws IOException {
    Path rules = postgresData.resolve("pg_hba.conf");
    return Files.exists(rules) && Files.readString(rules).equals(HOST_BASED_AUTHENTICATION);
  }

  private String readOrCreatePassword() throws IOException {
    if (Files.exists(passwordFile)) {
      return readPassword();
    }
    byte[] bytes = new byte[PASSWORD_BYTES];
    random.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    OwnerOnlyFiles.writeAtomically(passwordFile, (password + "\n").getBytes(StandardCharsets.US_ASCII));
    return password;
  }

  private String readPassword() throws IOException {
    String password = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
    if (!PASSWORD.matcher(password).matches()) {
      throw new IllegalStateException(passwordFile + " does not hold a password written by Envkeeper;"
          + " remove it and the service sets a new one at its next start");
    }
    return password;
  }
}
