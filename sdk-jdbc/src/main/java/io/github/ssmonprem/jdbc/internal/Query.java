package io.github.ssmonprem.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * One SQL statement with its parameters bound in order, and the store's clock: {@link #now(Duration)}
 * binds the parameter of a {@link #nowPlus(Dialect, Clock)} expression. Times are kept to the
 * microsecond, the precision of the databases' timestamps, so what is read equals what was written.
 * Not part of the public API.
 */
public final class Query implements AutoCloseable {

    /** The SQL state of a unique-key violation, on PostgreSQL and H2. */
    public static final String UNIQUE_VIOLATION = "23505";

    private final PreparedStatement statement;
    private final Clock clock;
    private final Instant clockNow;
    private int index;

    /**
     * Prepares a statement.
     *
     * @param connection the connection
     * @param sql the statement
     * @param clock the store's clock, or null for the database's
     * @throws SQLException when it cannot be prepared
     */
    public Query(Connection connection, String sql, Clock clock) throws SQLException {
        this.statement = connection.prepareStatement(sql);
        this.clock = clock;
        this.clockNow = clock == null ? null : micros(clock.instant());
    }

    /**
     * Returns the SQL expression for the store's current time plus an offset, with one parameter that
     * {@link #now(Duration)} binds: the database's {@code CURRENT_TIMESTAMP} (the nodes' clocks need not
     * agree), or the time of a clock of the application's (tests).
     *
     * @param dialect the database
     * @param clock the store's clock, or null for the database's
     * @return the expression
     */
    public static String nowPlus(Dialect dialect, Clock clock) {
        return clock == null ? dialect.nowPlusMillis() : "CAST(? AS TIMESTAMP WITH TIME ZONE)";
    }

    /**
     * {@return an instant to the microsecond, or null}
     *
     * @param instant the instant, or null
     */
    public static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Binds a text.
     *
     * @param value the text, or null
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query text(String value) throws SQLException {
        statement.setString(++index, value);
        return this;
    }

    /**
     * Binds a key value (a text or a number).
     *
     * @param value the value
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query object(Object value) throws SQLException {
        statement.setObject(++index, value);
        return this;
    }

    /**
     * Binds an integer.
     *
     * @param value the integer, or null
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query integer(Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(++index, Types.INTEGER);
        } else {
            statement.setInt(++index, value);
        }
        return this;
    }

    /**
     * Binds an instant, to the microsecond.
     *
     * @param value the instant, or null
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query instant(Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(++index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(++index, OffsetDateTime.ofInstant(micros(value), ZoneOffset.UTC));
        }
        return this;
    }

    /**
     * Binds the parameter of a {@link #nowPlus} expression.
     *
     * @param offset how long after the store's current time
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query now(Duration offset) throws SQLException {
        if (clock == null) {
            statement.setLong(++index, offset.toMillis());
        } else {
            statement.setObject(++index, OffsetDateTime.ofInstant(micros(clockNow.plus(offset)), ZoneOffset.UTC));
        }
        return this;
    }

    /**
     * Binds the parameter of a {@link #nowPlus} expression for the store's current time.
     *
     * @return this query
     * @throws SQLException when it cannot be bound
     */
    public Query now() throws SQLException {
        return now(Duration.ZERO);
    }

    /**
     * Runs the statement as an update.
     *
     * @return how many rows it changed
     * @throws SQLException when it fails
     */
    public int update() throws SQLException {
        return statement.executeUpdate();
    }

    /**
     * Runs a {@link Dialect#insertIfAbsent} statement.
     *
     * @return 1 when the row was inserted, 0 when its key exists
     * @throws SQLException when it fails otherwise
     */
    public int insertIfAbsent() throws SQLException {
        try {
            return statement.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Runs the statement as a query; the result closes with this query.
     *
     * @return its rows
     * @throws SQLException when it fails
     */
    public ResultSet query() throws SQLException {
        return statement.executeQuery();
    }

    @Override
    public void close() throws SQLException {
        statement.close();
    }
}
