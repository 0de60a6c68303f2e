package io.github.ssmonprem.testkit;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a fresh {@link SsmEmulator} before each test and stops it after, and injects it into test
 * methods that declare an {@code SsmEmulator} parameter.
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
 */
public final class SsmEmulatorExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final UnaryOperator<SsmEmulator.Builder> customizer;
    private volatile SsmEmulator emulator;

    /** An extension with the demo configuration. */
    public SsmEmulatorExtension() {
        this(UnaryOperator.identity());
    }

    /**
     * Creates the extension with an adjusted emulator.
     *
     * @param customizer adjusts the builder (which starts with the demo configuration)
     */
    public SsmEmulatorExtension(UnaryOperator<SsmEmulator.Builder> customizer) {
        this.customizer = customizer;
    }

    /**
     * Returns the emulator of the running test.
     *
     * @return the emulator of the running test
     */
    public SsmEmulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException("the emulator runs only during a test");
        }
        return emulator;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulator = customizer.apply(SsmEmulator.builder()).start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SsmEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulator();
    }
}
