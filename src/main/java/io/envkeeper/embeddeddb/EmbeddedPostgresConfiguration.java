package io.envkeeper.embeddeddb;

import com.zaxxer.hikari.HikariDataSource;
import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.files.OwnerOnlyFiles;
import io.envkeeper.ops.InstanceLock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, runs PostgreSQL embedded, its data under
 * {@code <data-dir>/postgres} so it survives restarts, reachable on localhost with the password in
 * {@code <data-dir>/postgres.password} only. The DataSource depends on the server, so
 * on shutdown the pool closes first and the server stops after it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDataSourceUrlCondition.class)
class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
  /** In the data dir, next to the database it opens; readable by the service's user only. */
  static final String PASSWORD_FILE = "postgres.password";

  /**
   * Takes the instance lock first: only the one service that owns the data dir may touch it. The
   * server is made to require its password before it ever listens ({@link EmbeddedCredential}).
   */
  @Bean(destroyMethod = "close")
  EmbeddedServer embeddedPostgres(
      EnvkeeperProperties envkeeper, EmbeddedDatabaseProperties properties, InstanceLock instanceLock)
      throws IOException {
    Path dataDir = envkeeper.dataDir().toAbsolutePath().normalize();
    Path dataDirectory = dataDir.resolve("postgres");
    POSIX posix = POSIXFactory.getNativePOSIX();
    new StalePostmaster(posix, properties.staleStopTimeout()).stopIfRunning(dataDirectory);
    // The binaries live in the data dir (0700), not in the shared temporary directory, where the
    // library leaves their directory world-writable: anyone could swap the programs it runs.
    Path binariesDirectory = OwnerOnlyFiles.createDirectories(dataDir.resolve("postgres-binaries"));
    PostgresBinaries binaries = PostgresBinaries.prepare(binariesDirectory, properties.setupTimeout());
    String password =
        new EmbeddedCredential(binaries, dataDir.resolve(PASSWORD_FILE)).prepare(dataDirectory);
    log.info("embedded database: starting PostgreSQL with data in {}", dataDirectory);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setOverrideWorkingDirectory(binariesDirectory.toFile())
        .setPGStartupWait(properties.startupTimeout())
        // The library's own readiness check connects too: with the password.
        .setConnectConfig("password", password)
        // The library starts the server with fsync and synchronous commit off (fine for throw-away
        // test databases); this one keeps real data, so turn both back on.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "localhost")
        .setServerConfig("password_encryption", "scram-sha-256")
        // We connect over TCP only. The default Unix socket lives in /tmp, where a postmaster
        // that is killed (a crash, kill -9) leaves its socket and lock file behind.
        .setServerConfig("unix_socket_directories", "")
        .start();
    // What the library wrote with the default umask (its lock file) or opened up (the binaries).
    OwnerOnlyFiles.restrictTree(binariesDirectory);
    OwnerOnlyFiles.restrict(dataDirectory);
    OwnerOnlyFiles.restrict(dataDirectory.resolve("epg-lock"));
    return new EmbeddedServer(postgres, password);
  }

  /** Pool settings still come from {@code spring.datasource.hikari.*}, as with any database. */
  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(EmbeddedServer postgres) {
    HikariDataSource dataSource =
        DataSourceBuilder.create()
            .type(HikariDataSource.class)
            .url(postgres.jdbcUrl())
            .username(EmbeddedCredential.SUPERUSER)
            .password(postgres.password())
            .build();
    dataSource.setPoolName("envkeeper-embedded");
    return dataSource;
  }
}
