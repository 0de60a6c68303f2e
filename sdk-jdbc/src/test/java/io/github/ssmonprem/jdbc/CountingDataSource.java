package io.github.ssmonprem.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source that records the SQL statements run through it (one per execution), and can make
 * the statements that match a predicate fail, as a database that goes away mid-transaction does.
 */
final class CountingDataSource {

    private final DataSource target;
    private final List<String> executed = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> failing = sql -> false;

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    DataSource dataSource() {
        return proxy(DataSource.class, target, null);
    }

    /** {@return the statements executed so far, and forgets them} */
    List<String> drain() {
        List<String> out = List.copyOf(executed);
        executed.clear();
        return out;
    }

    void failWhen(Predicate<String> sql) {
        this.failing = sql;
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, Object real, String sql) {
        InvocationHandler handler = (p, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute") && real instanceof Statement) {
                String text = sql != null ? sql : args != null && args.length > 0 && args[0] instanceof String ? (String) args[0] : "?";
                if (failing.test(text)) {
                    throw new SQLException("injected failure", "08006");
                }
                executed.add(text);
            }
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Connection) {
                return proxy(Connection.class, result, null);
            }
            if (result instanceof PreparedStatement) {
                return proxy(PreparedStatement.class, result, (String) args[0]);
            }
            if (result instanceof Statement) {
                return proxy(Statement.class, result, null);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
