package io.github.ssmonprem.emulator;

import io.github.ssmonprem.core.testing.TestClock;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs an {@link SsmEmulator} for JUnit 5 tests: a fresh one for each test (the default), or one
 * shared by every test of the class, and injects it, and its {@link TestClock} when it runs on one,
 * into test methods that declare an {@code SsmEmulator} or {@code TestClock} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SsmEmulatorExtension ssm = new SsmEmulatorExtension(b -> b.https().licenses("demo.example", "DEFAULT", 250));
 *
 * @Test
 * void pullsAllLicenses(SsmEmulator emulator) {
 *     SsmClientConfig config = emulator.clientConfig().build();
 *     ...
 * }
 * }</pre>
 *
 * <p>One emulator for the whole class, started before the first test and stopped after the last
 * (the field must be static; the tests then share its accounts, counters and faults):
 *
 * <pre>{@code
 * @RegisterExtension
 * static SsmEmulatorExtension ssm = SsmEmulatorExtension.perClass(b -> b.testClock());
 * }</pre>
 */
public final class SsmEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** How long an emulator of the extension lives. */
    public enum Lifecycle {
        /** A fresh emulator for each test, stopped after it. */
        PER_TEST,
        /** One emulator for all the tests of the class, stopped after the last. */
        PER_CLASS
    }

    private final Lifecycle lifecycle;
    private final UnaryOperator<SsmEmulator.Builder> customizer;
    private volatile SsmEmulator emulator;

    /** An extension with the demo configuration and a fresh emulator for each test. */
    public SsmEmulatorExtension() {
        this(UnaryOperator.identity());
    }

    /**
     * Creates the extension with an adjusted emulator, a fresh one for each test.
     *
     * @param customizer adjusts the builder (which starts with the demo configuration)
     */
    public SsmEmulatorExtension(UnaryOperator<SsmEmulator.Builder> customizer) {
        this(Lifecycle.PER_TEST, customizer);
    }

    /**
     * Creates the extension with an adjusted emulator and the given lifecycle.
     *
     * @param lifecycle a fresh emulator for each test, or one for the class
     * @param customizer adjusts the builder (which starts with the demo configuration)
     */
    public SsmEmulatorExtension(Lifecycle lifecycle, UnaryOperator<SsmEmulator.Builder> customizer) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.customizer = Objects.requireNonNull(customizer, "customizer");
    }

    /**
     * Creates an extension that gives each test a fresh emulator, stopped after the test.
     *
     * @param customizer adjusts the builder (which starts with the demo configuration)
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static SsmEmulatorExtension perTest(UnaryOperator<SsmEmulator.Builder> customizer) {
        return new SsmEmulatorExtension(Lifecycle.PER_TEST, customizer);
    }

    /**
     * Creates an extension whose one emulator serves every test of the class, started before the first
     * test and stopped after the last; register it in a static field.
     *
     * @param customizer adjusts the builder (which starts with the demo configuration)
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static SsmEmulatorExtension perClass(UnaryOperator<SsmEmulator.Builder> customizer) {
        return new SsmEmulatorExtension(Lifecycle.PER_CLASS, customizer);
    }

    /** {@return how long this extension's emulators live} */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * {@return the emulator of the running test}
     *
     * @throws IllegalStateException outside a test (or, per class, outside the class's tests)
     */
    public SsmEmulator emulator() {
        SsmEmulator running = emulator;
        if (running == null) {
            throw new IllegalStateException(lifecycle == Lifecycle.PER_TEST
                    ? "the emulator runs only during a test" : "the emulator runs only during the tests of its class");
        }
        return running;
    }

    /**
     * Returns the test clock of the running emulator.
     *
     * @return the emulator's {@link TestClock}
     * @throws IllegalStateException outside a test, or when the emulator runs on another clock
     */
    public TestClock clock() {
        return emulator().testClock();
    }

    /**
     * Starts the class's emulator when the lifecycle is {@link Lifecycle#PER_CLASS}.
     *
     * @param context the test class's context
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_CLASS) {
            emulator = customizer.apply(SsmEmulator.builder()).start();
        }
    }

    /**
     * Stops the class's emulator when the lifecycle is {@link Lifecycle#PER_CLASS}.
     *
     * @param context the test class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_CLASS) {
            stop();
        }
    }

    /**
     * Starts the test's emulator when the lifecycle is {@link Lifecycle#PER_TEST}.
     *
     * @param context the test's context
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_TEST) {
            emulator = customizer.apply(SsmEmulator.builder()).start();
        } else if (emulator == null) {
            throw new ExtensionConfigurationException("a per-class SsmEmulatorExtension must be registered in a"
                    + " static field (or the test class annotated @TestInstance(PER_CLASS)), so it starts before all tests");
        }
    }

    /**
     * Stops the test's emulator when the lifecycle is {@link Lifecycle#PER_TEST}.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        if (lifecycle == Lifecycle.PER_TEST) {
            stop();
        }
    }

    private void stop() {
        SsmEmulator running = emulator;
        emulator = null;
        if (running != null) {
            running.close();
        }
    }

    /**
     * Returns whether the parameter is an {@code SsmEmulator} or a {@code TestClock}.
     *
     * @param parameter the parameter
     * @param context the test's context
     * @return whether this extension resolves the parameter
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SsmEmulator.class || type == TestClock.class;
    }

    /**
     * Returns the running emulator, or its test clock.
     *
     * @param parameter the parameter
     * @param context the test's context
     * @return the emulator or its clock
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestClock.class ? clock() : emulator();
    }
}
