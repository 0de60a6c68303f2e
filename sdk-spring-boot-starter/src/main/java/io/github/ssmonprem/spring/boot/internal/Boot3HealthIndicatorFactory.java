package io.github.ssmonprem.spring.boot.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/**
 * Makes a Spring Boot 3 {@code org.springframework.boot.actuate.health.HealthIndicator} for the sync
 * status. The starter is compiled against Boot 4, where that type no longer exists, so the indicator is
 * a dynamic proxy of the interface and builds Boot 3's {@code Health} through its public builder by name.
 */
public final class Boot3HealthIndicatorFactory implements FactoryBean<Object> {

    /** The Boot 3 health indicator interface. */
    public static final String HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String HEALTH = "org.springframework.boot.actuate.health.Health";

    private final ObjectProvider<SsmSyncStatus> statusProvider;
    private final ClassLoader loader = ClassUtils.getDefaultClassLoader();

    /**
     * Creates the factory.
     *
     * @param status the sync status reported, looked up at each health check
     */
    public Boot3HealthIndicatorFactory(ObjectProvider<SsmSyncStatus> status) {
        this.statusProvider = status;
    }

    @Override
    public Object getObject() throws Exception {
        Class<?> indicator = getObjectType();
        Class<?> health = ClassUtils.forName(HEALTH, loader);
        Method statusOf = health.getMethod("status", String.class);
        Class<?> builder = statusOf.getReturnType();
        Method withDetails = builder.getMethod("withDetails", Map.class);
        Method build = builder.getMethod("build");
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "health":
                    if (method.getParameterCount() == 0) {
                        SsmSyncStatus status = statusProvider.getObject();
                        Object b = statusOf.invoke(null, status.level().name());
                        return build.invoke(withDetails.invoke(b, status.details()));
                    }
                    break;
                case "toString":
                    return "SsmHealthIndicator";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    break;
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new UnsupportedOperationException(method.toString());
        };
        return Proxy.newProxyInstance(indicator.getClassLoader(), new Class<?>[] {indicator}, handler);
    }

    @Override
    public Class<?> getObjectType() {
        try {
            return ClassUtils.forName(HEALTH_INDICATOR, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
