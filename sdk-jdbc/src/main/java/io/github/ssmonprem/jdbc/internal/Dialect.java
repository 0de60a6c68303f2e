package io.github.ssmonprem.jdbc.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
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
     * Returns an {@code INSERT} of one row that inserts nothing when the key exists. On PostgreSQL it
     * says so ({@code ON CONFLICT DO NOTHING}); on H2 it is a plain insert, whose duplicate-key error
     * the caller reads as "nothing inserted" (an H2 transaction goes on after a failed statement).
     *
     * @param table the table
     * @param columns the columns, comma separated
     * @param values the values' SQL expressions, comma separated
     * @param key the key column
     * @return the statement
     */
    public String insertIfAbsent(String table, String columns, String values, String key) {
        String insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
        return this == POSTGRESQL ? insert + " ON CONFLICT (" + key + ") DO NOTHING" : insert;
    }

    /**
     * Returns a statement that inserts rows, or replaces every column of those whose key exists.
     *
     * @param table the table
     * @param columns the columns, the key first
     * @param values one row's SQL expressions, comma separated
     * @param rows how many rows the statement writes (at least one)
     * @return the statement
     */
    public String upsert(String table, List<String> columns, String values, int rows) {
        String key = columns.get(0);
        String all = String.join(", ", columns);
        String tuples = String.join(", ", Collections.nCopies(rows, "(" + values + ")"));
        if (this == H2) {
            return "MERGE INTO " + table + " (" + all + ") KEY (" + key + ") VALUES " + tuples;
        }
        StringBuilder set = new StringBuilder();
        for (String column : columns.subList(1, columns.size())) {
            set.append(set.length() == 0 ? "" : ", ").append(column).append(" = EXCLUDED.").append(column);
        }
        return "INSERT INTO " + table + " (" + all + ") VALUES " + tuples + " ON CONFLICT (" + key + ") DO UPDATE SET " + set;
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
