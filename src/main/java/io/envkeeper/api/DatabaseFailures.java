package io.envkeeper.api;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLNonTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a failure caused by the database being away (refused or dropped connection, server
 * shutting down, statement timeout) from a real error, whatever the layers wrapped it in: a
 * connection killed mid-transaction surfaces as a failed rollback, not as a connection error.
 */
final class DatabaseFailures {

  private DatabaseFailures() {}

  static boolean isUnavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CannotCreateTransactionException
          || cause instanceof DataAccessResourceFailureException
          || cause instanceof QueryTimeoutException
          || cause instanceof SQLTransientConnectionException
          || cause instanceof SQLNonTransientConnectionException
          || cause instanceof SQLRecoverableException
          || cause instanceof java.net.ConnectException
          // begin/commit/rollback failing at the JDBC level: the connection died under the
          // transaction (the original error is lost when the rollback fails too)
          || cause instanceof org.hibernate.TransactionException) {
        return true;
      }
      if (cause instanceof SQLException sql && isUnavailableState(sql.getSQLState())) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /** SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now), 57014 (timeout). */
  private static boolean isUnavailableState(String state) {
    return state != null
        && (state.startsWith("08") || state.startsWith("57P") || state.equals("57014"));
  }
}
