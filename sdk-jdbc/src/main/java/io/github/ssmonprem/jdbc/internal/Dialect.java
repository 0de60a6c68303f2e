package io.github.ssmonprem.jdbc.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The SQL that differs between the supported databases. Not part of the public API. */
public enum Dialect {
    /** PostgreSQL 12 and later, the reference database. */
    POSTGRESQL("postgresql"),
    /** H2 2.x, for tests and single-host installations. */
    H2("h2");

    private final String schemaName;

    Dialect(String schemaName) {
        this.schemaName = schemaName;
    }

    /**
     * Returns the resource that holds this database's schema.
     *
     * @return the class-path resource name
     */
    public String schemaResource() {
        return "/io/github/ssmonprem/jdbc/schema-" + schemaName + ".sql";
    }

    /**
     * Returns an SQL expression for the database's current time plus the number of milliseconds
     * bound to the one parameter it contains.
     *
     * @return the expression
     */
    public String nowPlusMillis() {
        return this == POSTGRESQL ? "(CURRENT_TIMESTAMP + CAST(? AS DOUBLE PRECISION) * INTERVAL '1 millisecond')"
                : "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)";
    }

    /**
     * Detects the dialect of a connection's database.
     *
     * @param connection an open connection
     * @return the dialect
     * @throws SQLException when the metadata cannot be read
     * @throws SsmConfigurationException when the database is not supported
     */
    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("h2")) {
            return H2;
        }
        throw new SsmConfigurationException("dataSource", "the database " + product
                + " is not supported; use PostgreSQL or H2");
    }
}
