package io.github.ssmonprem.jdbc;

import io.github.ssmonprem.jdbc.internal.Dialect;
import io.github.ssmonprem.jdbc.internal.Schema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

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

    /** SQL states of a missing table or column: PostgreSQL's 42P01 and 42703, H2's 42S02, 42S04 (in an empty database) and 42S22. */
    private static final Set<String> SCHEMA_MISMATCH = Set.of("42P01", "42703", "42S02", "42S04", "42S22");

    /** {@return whether a failure says a table or column is missing: no schema, or one of another version} */
    static boolean isSchemaMismatch(SQLException e) {
        return e.getSQLState() != null && SCHEMA_MISMATCH.contains(e.getSQLState());
    }

    /** The SQL state and the driver's class of failure; driver messages may carry connection details. */
    static String describe(SQLException e) {
        return e.getClass().getSimpleName() + " (SQL state " + e.getSQLState() + ")";
    }
}
