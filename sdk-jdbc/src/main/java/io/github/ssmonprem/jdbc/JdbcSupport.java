package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.SQLException;

/** Helpers shared by the JDBC classes. */
final class JdbcSupport {

    private JdbcSupport() {
    }

    /** Creates the schema; another node creating it at the same moment is not a failure. */
    static void createSchema(Connection c, Dialect dialect, String prefix) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                Schema.create(c, dialect, prefix);
                return;
            } catch (SQLException e) {
                // PostgreSQL's CREATE TABLE IF NOT EXISTS can lose a race against another node's
                // (a unique violation in its catalog); once that node is done, another run finds every
                // table and does nothing.
                if (attempt == 5 || !isConstraintViolation(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static boolean isConstraintViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    /** The SQL state and the driver's class of failure; driver messages may carry connection details. */
    static String describe(SQLException e) {
        return e.getClass().getSimpleName() + " (SQL state " + e.getSQLState() + ")";
    }
}
