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
                // CREATE ... IF NOT EXISTS can lose a race against another node's: on PostgreSQL a unique
                // violation in its catalog or the table's row type "already exists", on H2 a general error
                // "object already exists". Once that node is done, another run finds everything and does nothing.
                if (attempt == 5 || !isCreationRace(e)) {
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

    /** SQL states of a schema object created by someone else meanwhile: PostgreSQL's duplicate table and object. */
    private static final Set<String> DUPLICATE_OBJECT = Set.of("42P07", "42710");

    private static boolean isCreationRace(SQLException e) {
        return isConstraintViolation(e) || e.getSQLState() != null && DUPLICATE_OBJECT.contains(e.getSQLState())
                || "HY000".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().contains("already exists");
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
