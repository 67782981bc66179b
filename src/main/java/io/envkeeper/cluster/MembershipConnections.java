package io.envkeeper.cluster;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Opens the membership connection: a connection of its own, outside the pool, with the pool's
 * coordinates. A LISTEN lives as long as its session, so it cannot borrow a pooled connection; and a
 * pool exhausted by requests must not starve the lease renewals either.
 */
@Component
class MembershipConnections {

  private final DataSource dataSource;

  MembershipConnections(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A new connection whose every call is bounded: connecting by {@code connectTimeout}, each
   * statement by {@code statementTimeout}, each socket read by {@code socketTimeout}.
   */
  Connection open(Duration connectTimeout, Duration statementTimeout, Duration socketTimeout) throws SQLException {
    HikariDataSource pool = dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
    if (pool == null || pool.getJdbcUrl() == null) {
      throw new SQLException("the membership connection needs a Hikari pool configured by JDBC URL, got " + dataSource);
    }
    Properties properties = new Properties();
    properties.putAll(pool.getDataSourceProperties());
    if (pool.getUsername() != null) {
      properties.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      properties.setProperty("password", pool.getPassword());
    }
    properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "envkeeper-membership");
    Connection connection = DriverManager.getConnection(pool.getJdbcUrl(), properties);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET statement_timeout = " + Math.max(1, statementTimeout.toMillis()));
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    return connection;
  }
}
