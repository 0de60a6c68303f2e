package io.github.ssmonprem.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An embedded PostgreSQL server a test can stop and start again on the same port and data directory,
 * with a data source that outlives the restarts and carries a password that must never show.
 */
final class RestartablePg implements AutoCloseable {

    static final String PASSWORD = "pg-Secret-4711-never-shown";

    private final Path dataDirectory;
    private int port;
    private EmbeddedPostgres server;

    RestartablePg(Path dataDirectory) throws IOException {
        this.dataDirectory = dataDirectory;
        this.server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).start();
        this.port = server.getPort();
    }

    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        ds.setPassword(PASSWORD);
        ds.setConnectTimeout(2);
        ds.setSocketTimeout(5);
        return ds;
    }

    void stop() throws IOException {
        server.close();
        server = null;
    }

    void start() throws IOException {
        server = EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port).start();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
