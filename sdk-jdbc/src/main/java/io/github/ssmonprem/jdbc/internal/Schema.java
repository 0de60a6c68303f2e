package io.github.ssmonprem.jdbc.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Loads and runs the schema files shipped in the jar. Not part of the public API. */
public final class Schema {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,29}");

    private Schema() {
    }

    /**
     * Validates a table prefix: it goes into SQL text, so only a plain identifier is accepted.
     *
     * @param prefix the prefix
     * @return the prefix
     * @throws SsmConfigurationException when it is not a plain identifier
     */
    public static String validPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new SsmConfigurationException("tablePrefix", "must be 1 to 30 letters, digits or underscores,"
                    + " not starting with a digit (for example ssm_)");
        }
        return prefix;
    }

    /**
     * Returns the statements of a dialect's schema file with the prefix filled in.
     *
     * @param dialect the database
     * @param prefix a valid table prefix
     * @return the statements, in order
     */
    public static List<String> statements(Dialect dialect, String prefix) {
        String text;
        try (InputStream in = Schema.class.getResourceAsStream(dialect.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + dialect.schemaResource());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String sql = current.toString().trim();
                out.add(sql.substring(0, sql.length() - 1).replace("${prefix}", prefix));
                current.setLength(0);
            }
        }
        return out;
    }

    /**
     * Creates the tables that do not exist yet.
     *
     * @param connection an open connection
     * @param dialect its database
     * @param prefix a valid table prefix
     * @throws SQLException when a statement fails
     */
    public static void create(Connection connection, Dialect dialect, String prefix) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String sql : statements(dialect, prefix)) {
                st.execute(sql);
            }
        }
    }
}
