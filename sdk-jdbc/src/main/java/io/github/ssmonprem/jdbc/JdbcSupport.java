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

    /**
     * {@return the class of a database failure in words, by its SQL state, and the state itself: what an
     * operator or a DBA acts on. Not the driver's message, which may carry connection details, nor its
     * Java type}
     *
     * @param e the failure
     */
    static String describe(SQLException e) {
        String state = e.getSQLState();
        String what = state == null || state.length() < 2 ? "a database error" : switch (state.substring(0, 2)) {
            case "08" -> "the database cannot be reached, or it refused or dropped the connection";
            case "28" -> "the database refused the user name or password";
            case "3D" -> "the database does not exist";
            case "42" -> "42501".equals(state) ? "the database user lacks a privilege on the tables"
                    : "the database refused a statement (a missing table or column, or a privilege)";
            case "53" -> "the database is out of resources (disk, memory or connections)";
            case "57" -> "the database is shutting down or restarting, or cancelled the statement";
            case "40" -> "the database rolled the transaction back (a conflict with another one)";
            case "23" -> "a constraint of the tables refused the change";
            default -> "a database error";
        };
        return state == null ? what : what + " (SQL state " + state + ")";
    }
}
