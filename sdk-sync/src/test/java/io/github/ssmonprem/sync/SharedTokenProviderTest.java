package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.FileSyncStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A token provider given to the builder is the client's only token cache, and stays its owner's. */
class SharedTokenProviderTest {

    @TempDir
    Path state;

    private final SsmEmulator emulator = SsmEmulator.builder().account("acme.example", "Acme", "VA1")
            .licenses("acme.example", "VA1", 3).start();
    private final SsmHttpClient http = SsmHttpClient.create(emulator.clientConfig().build());
    private final OAuthTokenProvider tokens = OAuthTokenProvider.builder(http).grant(emulator.passwordGrant()).build();

    @AfterEach
    void stop() {
        tokens.close();
        http.close();
        emulator.close();
    }

    @Test
    void theClientUsesTheGivenProviderAndLeavesItOpen() {
        try (SsmSyncClient client = SsmSyncClient.builder().http(http).tokenProvider(tokens).store(new FileSyncStore(state.resolve("store")))
                .account(AccountSelection.of("acme.example")).build()) {
            assertSame(tokens, client.tokens());
            tokens.accessToken();
            assertTrue(client.sync().isSuccess());
        }
        assertEquals(1, emulator.stats().tokenRequests(), "the application's call and the sync share one token");
        tokens.accessToken();
        assertEquals(1, emulator.stats().tokenRequests(), "the provider still serves its cached token after the client closed");
    }

    @Test
    void aProviderAndAGrantTogetherAreRefused() {
        SsmConfigurationException e = assertThrows(SsmConfigurationException.class, () -> SsmSyncClient.builder().http(http)
                .tokenProvider(tokens).grant(emulator.passwordGrant()).store(new FileSyncStore(state.resolve("store"))).build());
        assertEquals("tokenProvider", e.setting());
    }
}
