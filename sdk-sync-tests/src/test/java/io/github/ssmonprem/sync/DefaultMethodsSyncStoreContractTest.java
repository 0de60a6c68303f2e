package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.store.InMemorySyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.SyncStoreContract;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;

/**
 * A store that implements only the abstract methods of {@link SyncStore}, as a user's own store
 * written against an earlier version does, keeps the contract through the interface's default
 * methods (such as the claimed {@code addPending}).
 */
class DefaultMethodsSyncStoreContractTest extends SyncStoreContract {

    @Override
    protected SyncStore newStore(Clock clock) {
        InMemorySyncStore delegate = new InMemorySyncStore(clock);
        return (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.isDefault() && !method.getName().equals("close")) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
