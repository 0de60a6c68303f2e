package io.github.ssmonprem.cli;

import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/**
 * A command that reads or changes the sync state: a local state directory, or with {@code --store} a
 * PostgreSQL database that several hosts share.
 */
abstract class StateCommand extends BaseCommand {

    private static final String JDBC_PREFIX = "jdbc:postgresql://";

    @Option(names = "--state-dir", description = "pending usage and last sync state (env SSM_STATE_DIR; "
            + "default ~/.ssm-onprem-sdk/state)")
    Path stateDir;

    @Option(names = "--store", paramLabel = "URL", description = "keep the state in PostgreSQL instead of --state-dir, "
            + "shared by several hosts: jdbc:postgresql://HOST:PORT/DB (env SSM_STORE; the password only from "
            + "SSM_STORE_PASSWORD)")
    String store;

    @Option(names = "--store-user", description = "the database user for --store (env SSM_STORE_USER)")
    String storeUser;

    private DataSource dataSource;

    Path stateDirectory() {
        if (stateDir != null) {
            return stateDir;
        }
        String fromEnv = env().get("SSM_STATE_DIR");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv)
                : Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state");
    }

    /** The {@code --store} URL, or null for the state directory. */
    String storeUrl() {
        String url = store != null ? store : env().get("SSM_STORE");
        if (url == null || url.isBlank()) {
            return null;
        }
        if (!url.startsWith(JDBC_PREFIX)) {
            throw new UsageError("--store takes a PostgreSQL JDBC URL, jdbc:postgresql://HOST:PORT/DB.",
                    "Give --store jdbc:postgresql://HOST:PORT/DB, or leave it out to keep the state in --state-dir.");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || url.substring(JDBC_PREFIX.length()).contains("@")) {
            // The URL is not shown: it holds a secret, which must not reach a terminal log either.
            throw new UsageError("--store must not contain a password (it would be visible in `ps` and shell history).",
                    "Remove the password from --store and set SSM_STORE_PASSWORD instead.");
        }
        return url;
    }

    /** Where the state is, for people: the state directory, or the store's URL without its parameters. */
    String stateDescription() {
        String url = storeUrl();
        if (url == null) {
            return stateDirectory().toAbsolutePath().toString();
        }
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** The data source of {@code --store}, created once per command. */
    private DataSource dataSource(String url) {
        if (dataSource == null) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url);
            String user = storeUser != null ? storeUser : env().get("SSM_STORE_USER");
            if (user != null && !user.isBlank()) {
                ds.setUser(user);
            }
            String password = env().get("SSM_STORE_PASSWORD");
            if (password != null && !password.isEmpty()) {
                ds.setPassword(password);
            }
            ds.setApplicationName("ssm");
            dataSource = ds;
        }
        return dataSource;
    }

    /**
     * Opens the store holding the state: PostgreSQL with {@code --store}, otherwise the state directory
     * (created when missing).
     *
     * @return the store
     */
    SyncStore openStore() {
        String url = storeUrl();
        if (url != null) {
            return JdbcSyncStore.builder(dataSource(url)).build();
        }
        return new FileSyncStore(States.create(stateDirectory()));
    }

    /**
     * The cluster's sync lock, in the same database as the store; none for a state directory.
     *
     * @return the lock, when {@code --store} is given
     */
    Optional<SyncLock> lock() {
        String url = storeUrl();
        return url == null ? Optional.empty() : Optional.of(JdbcSyncLock.builder(dataSource(url)).build());
    }
}
