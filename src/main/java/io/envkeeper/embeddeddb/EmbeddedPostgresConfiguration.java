package io.envkeeper.embeddeddb;

import com.zaxxer.hikari.HikariDataSource;
import io.envkeeper.config.EnvkeeperProperties;
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
 * {@code <data-dir>/postgres} so it survives restarts. The DataSource depends on the server, so
 * on shutdown the pool closes first and the server stops after it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoDataSourceUrlCondition.class)
class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  /** Takes the instance lock first: only the one service that owns the data dir may touch it. */
  @Bean(destroyMethod = "close")
  EmbeddedServer embeddedPostgres(
      EnvkeeperProperties envkeeper, EmbeddedDatabaseProperties properties, InstanceLock instanceLock)
      throws IOException {
    Path dataDirectory = envkeeper.dataDir().toAbsolutePath().normalize().resolve("postgres");
    POSIX posix = POSIXFactory.getNativePOSIX();
    new StalePostmaster(posix, properties).stopIfRunning(dataDirectory);
    log.info("embedded database: starting PostgreSQL with data in {}", dataDirectory);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPGStartupWait(properties.startupTimeout())
        // The library starts the server with fsync and synchronous commit off (fine for throw-away
        // test databases); this one keeps real data, so turn both back on.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("listen_addresses", "localhost")
        // We connect over TCP only. The default Unix socket lives in /tmp, where a postmaster
        // that is killed (a crash, kill -9) leaves its socket and lock file behind.
        .setServerConfig("unix_socket_directories", "")
        .start();
    return new EmbeddedServer(postgres);
  }

  /** Pool settings still come from {@code spring.datasource.hikari.*}, as with any database. */
  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  HikariDataSource dataSource(EmbeddedServer postgres) {
    HikariDataSource dataSource =
        DataSourceBuilder.create()
            .type(HikariDataSource.class)
            .url(postgres.jdbcUrl())
            .username("postgres")
            .build();
    dataSource.setPoolName("envkeeper-embedded");
    return dataSource;
  }
}
