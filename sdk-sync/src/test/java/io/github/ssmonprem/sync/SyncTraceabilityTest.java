package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * A sync is traceable: it is the observation {@code ssm.sync}, each HTTP attempt an observation
 * {@code ssm.client.request} inside it (so with Boot's tracing, spans under the sync's span), and while
 * it runs the SDK's log lines carry the MDC keys sync id, node and account, removed afterwards.
 */
class SyncTraceabilityTest {

    @TempDir
    Path state;

    private final TestClock clock = TestClock.start();

    @Test
    void aSyncIsAnObservationWithItsCallsInsideAndItsLogLinesCarryTheMdcKeys() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        MDC.put(SdkMdc.ACCOUNT, "the-applications-own-value");
        try (SsmEmulator emulator = EmulatorFixtures.emulator(clock).licenses(EmulatorFixtures.ACCOUNT, "VA1", 3).start();
                SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock)
                        .observationRegistry(observations).build()).grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("store")))
                        .account(AccountSelection.of(EmulatorFixtures.ACCOUNT)).nodeName("node-a").build()) {
            LogCapture.clear();
            assertTrue(client.sync().isSuccess());

            TestObservationRegistryAssert.assertThat(observations).hasNumberOfObservationsWithNameEqualTo("ssm.sync", 1)
                    .hasObservationWithNameEqualTo("ssm.sync").that().hasBeenStopped().hasContextualNameEqualTo("ssm sync")
                    .hasLowCardinalityKeyValue("outcome", "success");
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.client.request")
                    .hasLowCardinalityKeyValue("operation", "token").hasLowCardinalityKeyValue("outcome", "SUCCESS")
                    .hasParentObservationContextMatching(parent -> "ssm.sync".equals(((Observation.ContextView) parent).getName())));
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.client.request")
                    .hasLowCardinalityKeyValue("status", "200")
                    .hasParentObservationContextMatching(parent -> "ssm.sync".equals(((Observation.ContextView) parent).getName())));

            List<String> lines = LogCapture.linesOf("io.github.ssmonprem");
            String summary = lines.stream().filter(l -> l.contains("SSM sync succeeded")).findFirst().orElseThrow();
            assertTrue(summary.contains(SdkMdc.SYNC_ID + "=") && summary.contains(SdkMdc.NODE + "=node-a"), summary);
            String licenseCall = lines.stream().filter(l -> l.contains("/licenses ->")).findFirst().orElseThrow();
            assertTrue(licenseCall.contains(SdkMdc.ACCOUNT + "=" + EmulatorFixtures.ACCOUNT), licenseCall);
            String syncId = summary.replaceAll(".*" + SdkMdc.SYNC_ID.replace(".", "\\.") + "=([^,}]+).*", "$1");
            assertTrue(licenseCall.contains(SdkMdc.SYNC_ID + "=" + syncId), licenseCall);

            assertEquals("the-applications-own-value", MDC.get(SdkMdc.ACCOUNT), "the thread's own value is restored");
            assertNull(MDC.get(SdkMdc.SYNC_ID));
            assertNull(MDC.get(SdkMdc.NODE));
            assertFalse(observations.getCurrentObservationScope() != null, "no observation left open on the thread");

            emulator.faults().backendDown(true);
            client.sync();
            TestObservationRegistryAssert.assertThat(observations).hasNumberOfObservationsWithNameEqualTo("ssm.sync", 2)
                    .hasAnObservation(o -> o.hasNameEqualTo("ssm.sync").hasLowCardinalityKeyValue("outcome", "failure").hasError());
        } finally {
            MDC.remove(SdkMdc.ACCOUNT);
        }
        Observation.Scope none = observations.getCurrentObservationScope();
        assertNull(none);
    }

    @Test
    void eachUploadAndPollIsAnObservationInsideTheSyncAndTheirLinesCarryTheReportId() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        try (SsmEmulator emulator = EmulatorFixtures.emulator(clock).start();
                SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock)
                        .observationRegistry(observations).build()).grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("store"), clock))
                        .nodeName("node-a").build()) {
            var report = EmulatorFixtures.usage(clock);
            client.store().add(report, "node-a", java.time.Duration.ofMinutes(5));
            LogCapture.clear();
            assertTrue(client.sync().isSuccess());

            java.util.function.Predicate<Object> insideSync = parent -> "ssm.sync".equals(((Observation.ContextView) parent).getName());
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.usage.upload")
                    .hasContextualNameEqualTo("usage upload").hasLowCardinalityKeyValue("outcome", "accepted")
                    .hasParentObservationContextMatching(insideSync::test));
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.usage.poll")
                    .hasLowCardinalityKeyValue("outcome", "complete").hasParentObservationContextMatching(insideSync::test));
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.client.request")
                    .hasLowCardinalityKeyValue("operation", "usage.upload")
                    .hasParentObservationContextMatching(parent -> "ssm.usage.upload".equals(((Observation.ContextView) parent).getName())));
            String uploadCall = LogCapture.linesOf("io.github.ssmonprem").stream().filter(l -> l.contains("/reportusage ->")).findFirst()
                    .orElseThrow();
            assertTrue(uploadCall.contains(SdkMdc.REPORT_ID + "=" + report.reportId()), uploadCall);
            assertNull(MDC.get(SdkMdc.REPORT_ID), "removed afterwards");
        }
    }

    @Test
    void anAuthorizationRequestIsAnObservationAndItsLinesCarryTheRequestId() {
        TestObservationRegistry observations = TestObservationRegistry.create();
        try (SsmEmulator emulator = EmulatorFixtures.emulator(clock).start();
                SsmSyncClient client = SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(clock)
                        .observationRegistry(observations).build()).grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("authorization"), clock))
                        .build()) {
            LogCapture.clear();
            var result = client.requestAuthorization(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT,
                    io.github.ssmonprem.sync.usage.AuthorizationRequest.of(EmulatorFixtures.device(1), "edge-1", "HSEC_TAG"));
            assertTrue(result.delivered(), String.valueOf(result));

            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.usage.authorization")
                    .hasContextualNameEqualTo("usage authorization").hasLowCardinalityKeyValue("outcome", "accepted"));
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.client.request")
                    .hasLowCardinalityKeyValue("operation", "usage.authorization").hasParentObservationContextMatching(
                            parent -> "ssm.usage.authorization".equals(((Observation.ContextView) parent).getName())));
            TestObservationRegistryAssert.assertThat(observations).hasAnObservation(o -> o.hasNameEqualTo("ssm.usage.poll")
                    .hasLowCardinalityKeyValue("outcome", "complete"));
            String call = LogCapture.linesOf("io.github.ssmonprem").stream().filter(l -> l.contains("/authrequest ->")).findFirst()
                    .orElseThrow();
            assertTrue(call.contains(SdkMdc.REPORT_ID + "=" + result.reportId()), call);
            assertNull(MDC.get(SdkMdc.REPORT_ID), "removed afterwards");
        }
    }
}
