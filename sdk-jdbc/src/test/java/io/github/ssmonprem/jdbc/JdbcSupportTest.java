package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class JdbcSupportTest {

    @Test
    void aDatabaseFailureIsDescribedByItsSqlStateInWordsNeverByTheDriversTypeOrMessage() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:1 refused. password=secret", "08001");
        assertEquals("the database cannot be reached, or it refused or dropped the connection (SQL state 08001)",
                JdbcSupport.describe(refused));
        assertFalse(JdbcSupport.describe(refused).contains("secret"));
        assertEquals("the database refused the user name or password (SQL state 28P01)",
                JdbcSupport.describe(new SQLException("FATAL: password authentication failed", "28P01")));
        assertEquals("the database does not exist (SQL state 3D000)", JdbcSupport.describe(new SQLException("x", "3D000")));
        assertEquals("the database user lacks a privilege on the tables (SQL state 42501)",
                JdbcSupport.describe(new SQLException("x", "42501")));
        assertEquals("the database is out of resources (disk, memory or connections) (SQL state 53100)",
                JdbcSupport.describe(new SQLException("could not extend file", "53100")));
        assertEquals("a database error", JdbcSupport.describe(new SQLException("x")));
    }
}
