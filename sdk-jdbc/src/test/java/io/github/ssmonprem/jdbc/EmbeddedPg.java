package io.github.ssmonprem.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;

/** One embedded PostgreSQL server for the test JVM, started on first use, stopped at exit. */
final class EmbeddedPg {

    private static EmbeddedPostgres server;

    private EmbeddedPg() {
    }

    private static DataSource pooled;

    /** {@return the server's database behind a small connection pool, as applications use it} */
    static synchronized DataSource pooled() {
        if (pooled == null) {
            pooled = new PooledDataSource(dataSource());
        }
        return pooled;
    }

    static synchronized DataSource dataSource() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return server.getPostgresDatabase();
    }
}
