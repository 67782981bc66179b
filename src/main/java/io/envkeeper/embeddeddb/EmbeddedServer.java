package io.envkeeper.embeddeddb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running embedded PostgreSQL, stopped by the application context and by nothing else.
 *
 * <p>The library registers a JVM shutdown hook of its own that stops the server. That hook runs
 * concurrently with Spring's, so it could stop the database while the service still records its
 * final state (workers stopped, destroys finished). We mark the library's instance closed right
 * after start, which turns its hook into a no-op, and close it for real from the context, after
 * every bean that uses the database is gone: the database stops last.
 */
final class EmbeddedServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);

  private final EmbeddedPostgres postgres;
  private final String password;
  private final AtomicBoolean libraryClosedFlag;

  EmbeddedServer(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
    this.libraryClosedFlag = closedFlagOf(postgres);
    if (libraryClosedFlag != null) {
      libraryClosedFlag.set(true);
    }
  }

  String jdbcUrl() {
    return postgres.getJdbcUrl(EmbeddedCredential.SUPERUSER, "postgres");
  }

  String password() {
    return password;
  }

  @Override
  public void close() throws IOException {
    if (libraryClosedFlag != null) {
      libraryClosedFlag.set(false);
    }
    postgres.close();
  }

  private static AtomicBoolean closedFlagOf(EmbeddedPostgres postgres) {
    try {
      Field closed = EmbeddedPostgres.class.getDeclaredField("closed");
      closed.setAccessible(true);
      return (AtomicBoolean) closed.get(postgres);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("embedded database: cannot keep the library's own shutdown hook from stopping the server"
          + " early ({}); it may stop before the service has finished shutting down", e.toString());
      return null;
    }
  }
}
