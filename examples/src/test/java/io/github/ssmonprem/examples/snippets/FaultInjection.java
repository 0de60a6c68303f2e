package io.github.ssmonprem.examples.snippets;

// tag::fault-proxy[]
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.emulator.FaultProxy;
// end::fault-proxy[]
import io.github.ssmonprem.emulator.SsmEmulator;
import java.io.IOException;

/** README, "Testing with the emulator": faults below HTTP. */
final class FaultInjection {

    private FaultInjection() {
    }

    static SsmClientConfig cutEveryOtherAnswer(SsmEmulator emulator) throws IOException {
        // tag::fault-proxy[]
        try (FaultProxy cut = FaultProxy.to(emulator.port()).cutAnswerAfter(300).onlyEvery(2).start()) {
            SsmClientConfig config = SsmClientConfig.builder().baseUrl("http://127.0.0.1:" + cut.port())
                .allowPlainHttp(true).noProxy().build();
            // the first answer is cut mid-body (ConnectionFailedException, retried); the retry gets through
            return config;
        }
        // end::fault-proxy[]
    }
}
