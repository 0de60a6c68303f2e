package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.jdbc.shedlock.ShedLockSyncLock;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The parts from the optional sdk-jdbc (and ShedLock). Only this class names their types, and the
 * auto-configuration calls it only after {@link #jdbcPresent} (or {@link #shedLockPresent}) said
 * they are on the class path, so an application without them never loads them.
 */
public final class JdbcParts {

    /**
     * Whether sdk-jdbc is on the application's class path.
     *
     * @param classLoader the application's class loader
     * @return whether {@code JdbcSyncStore} can be loaded
     */
    public static boolean jdbcPresent(ClassLoader classLoader) {
        return ClassUtils.isPresent("io.github.ssmonprem.jdbc.JdbcSyncStore", classLoader);
    }

    /**
     * Whether ShedLock and the SDK's adapter to it are on the application's class path.
     *
     * @param classLoader the application's class loader
     * @return whether {@code ShedLockSyncLock} and ShedLock's {@code LockProvider} can be loaded
     */
    public static boolean shedLockPresent(ClassLoader classLoader) {
        return jdbcPresent(classLoader) && ClassUtils.isPresent("net.javacrumbs.shedlock.core.LockProvider", classLoader);
    }

    private static final String PREFIX_PROPERTY = "ssm.onprem.store.table-prefix";

    private JdbcParts() {
    }

    /**
     * A {@link JdbcSyncStore} on the application's data source.
     *
     * @param dataSource the application's data source
     * @param tablePrefix the prefix of the SDK's tables
     * @param createSchema whether missing tables are created on first use
     * @return the store
     * @throws MissingSsmPropertyException when the prefix is invalid
     */
    public static SyncStore store(DataSource dataSource, String tablePrefix, boolean createSchema) {
        try {
            return JdbcSyncStore.builder(dataSource).tablePrefix(tablePrefix).createSchema(createSchema).build();
        } catch (SsmConfigurationException e) {
            throw badPrefix(tablePrefix);
        }
    }

    /**
     * A {@link JdbcSyncLock} on the application's data source.
     *
     * @param dataSource the application's data source
     * @param tablePrefix the prefix of the SDK's tables
     * @param createSchema whether the lock's table is created on first use
     * @return the lock
     * @throws MissingSsmPropertyException when the prefix is invalid
     */
    public static SyncLock lock(DataSource dataSource, String tablePrefix, boolean createSchema) {
        try {
            return JdbcSyncLock.builder(dataSource).tablePrefix(tablePrefix).createSchema(createSchema).build();
        } catch (SsmConfigurationException e) {
            throw badPrefix(tablePrefix);
        }
    }

    private static MissingSsmPropertyException badPrefix(String prefix) {
        return new MissingSsmPropertyException(PREFIX_PROPERTY, "must be 1 to 30 letters, digits or underscores, not starting"
                + " with a digit (for example ssm_), was '" + prefix + "'");
    }

    /**
     * A {@link ShedLockSyncLock} over the application's ShedLock {@code LockProvider} bean, if it has
     * exactly one. Call only when {@link #shedLockPresent}.
     *
     * @param beans the application's beans
     * @param minimumInterval the scheduler's period minus its jitter
     * @return the lock, or empty without a unique {@code LockProvider} bean
     */
    public static Optional<SyncLock> shedLock(BeanFactory beans, Duration minimumInterval) {
        LockProvider provider = beans.getBeanProvider(LockProvider.class).getIfUnique();
        return provider == null ? Optional.empty()
                : Optional.of(ShedLockSyncLock.builder(provider).minimumInterval(minimumInterval).build());
    }
}
