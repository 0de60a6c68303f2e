package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.testing.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private static SsmConfigurationException invalid(SsmClientConfig.Builder b) {
        return assertThrows(SsmConfigurationException.class, b::build);
    }

    @Test
    void missingBaseUrlNamesTheSetting() {
        SsmConfigurationException e = invalid(SsmClientConfig.builder());
        assertEquals("baseUrl", e.setting());
        assertTrue(e.getMessage().contains("baseUrl"));
    }

    @Test
    void plainHttpIsRefusedUnlessExplicitlyAllowed() {
        SsmConfigurationException e = invalid(SsmClientConfig.builder().baseUrl("http://127.0.0.1:8080"));
        assertTrue(e.getMessage().contains("allowPlainHttp"), e.getMessage());
        SsmClientConfig ok = SsmClientConfig.builder().baseUrl("http://127.0.0.1:8080").allowPlainHttp(true).noProxy().build();
        assertEquals("http://127.0.0.1:8080", ok.baseUrl().toString());
    }

    @Test
    void plainHttpsRefusalStatesTheProblemAndLeavesTheJavaCallToTheRemediation() {
        SsmConfigurationException e = invalid(SsmClientConfig.builder().baseUrl("http://127.0.0.1:8080"));
        assertEquals("baseUrl", e.setting());
        assertFalse(e.problem().contains("allowPlainHttp"), e.problem());
        assertTrue(e.remediation().contains("allowPlainHttp(true)"), e.remediation());
    }

    @Test
    void invalidSettingsFailInBuildNamingEachSetting() {
        assertEquals("connectTimeout", invalid(SsmClientConfig.builder()
                .baseUrl("https://ssm.example.net:8443").connectTimeout(Duration.ZERO)).setting());
        assertEquals("responseTimeout", invalid(SsmClientConfig.builder().baseUrl("https://h")
                .responseTimeout(Duration.ofSeconds(-1))).setting());
        assertEquals("maxConnections", invalid(SsmClientConfig.builder().baseUrl("https://h").maxConnections(0)).setting());
        assertEquals("baseUrl", invalid(SsmClientConfig.builder().baseUrl("ftp://h")).setting());
        assertEquals("baseUrl", invalid(SsmClientConfig.builder().baseUrl("https://u:p@h")).setting());
        assertEquals("baseUrl", invalid(SsmClientConfig.builder().baseUrl("https://h/x?password=p")).setting());
        assertEquals("userAgent", invalid(SsmClientConfig.builder().baseUrl("https://h").userAgent("a\nb")).setting());
        assertEquals("retry.maxAttempts", assertThrows(SsmConfigurationException.class,
                () -> RetrySettings.builder().maxAttempts(0).build()).setting());
        assertEquals("retry.jitter", assertThrows(SsmConfigurationException.class,
                () -> RetrySettings.builder().jitter(1.5).build()).setting());
        assertEquals("proxy.port", assertThrows(SsmConfigurationException.class,
                () -> ProxyConfig.builder().host("p").port(0).build()).setting());
        assertEquals("routes.tokenPath", assertThrows(SsmConfigurationException.class,
                () -> SsmRoutes.builder().tokenPath("oauth/token").build()).setting());
    }

    @Test
    void attemptAndCallTimeoutsHaveDerivedDefaultsAndAreValidated() {
        SsmClientConfig defaults = SsmClientConfig.builder().baseUrl("https://h").build();
        assertEquals(Duration.ofSeconds(130), defaults.attemptTimeout(), "connectTimeout + 2 × responseTimeout");
        assertEquals(Duration.ofMinutes(5), defaults.callTimeout());
        SsmClientConfig slow = defaults.toBuilder().responseTimeout(Duration.ofMinutes(3)).build();
        assertEquals(Duration.ofSeconds(10 + 360), slow.attemptTimeout(), "derived from the timeouts it bounds");
        assertEquals(Duration.ofSeconds(2 * 370), slow.callTimeout());
        SsmClientConfig set = defaults.toBuilder().attemptTimeout(Duration.ofSeconds(20)).callTimeout(Duration.ofSeconds(50)).build();
        assertEquals(Duration.ofSeconds(20), set.attemptTimeout());
        assertEquals(Duration.ofSeconds(50), set.toBuilder().build().callTimeout());
        assertEquals("attemptTimeout", invalid(SsmClientConfig.builder().baseUrl("https://h").attemptTimeout(Duration.ZERO)).setting());
        assertEquals("callTimeout", invalid(SsmClientConfig.builder().baseUrl("https://h").callTimeout(Duration.ofSeconds(-1))).setting());
    }

    @Test
    void baseUrlIsNormalisedAndToBuilderRoundTrips() {
        SsmClientConfig cfg = SsmClientConfig.builder().baseUrl("HTTPS://ssm.example.net:8443/ssm/").noProxy()
                .maxConnections(4).build();
        assertEquals("https://ssm.example.net:8443/ssm", cfg.baseUrl().toString());
        SsmClientConfig copy = cfg.toBuilder().build();
        assertEquals(cfg.baseUrl(), copy.baseUrl());
        assertEquals(4, copy.maxConnections());
        assertFalse(copy.proxy().isPresent());
    }

    @Test
    void explicitProxyWinsAndNoProxyTurnsProxiesOff() {
        ProxyConfig explicit = ProxyConfig.builder().host("proxy.corp").port(3128).build();
        assertEquals(explicit, SsmClientConfig.builder().baseUrl("https://h").proxy(explicit).build().proxy().orElseThrow());
        assertTrue(SsmClientConfig.builder().baseUrl("https://h").proxy(explicit).noProxy().build().proxy().isEmpty());
    }

    @Test
    void pemWithoutCertificatesIsAConfigurationError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        SsmConfigurationException e = assertThrows(SsmConfigurationException.class, () -> TlsConfig.trustPemFile(notPem));
        assertEquals("tls.caPem", e.setting());
        assertEquals("tls.caPem", assertThrows(SsmConfigurationException.class,
                () -> TlsConfig.trustPemFile(dir.resolve("missing.pem"))).setting());
    }

    @Test
    void secretsNeverShowInToString() throws Exception {
        Secret s = Secret.of(TestSecrets.PASSWORD);
        assertEquals("****", s.toString());
        assertEquals(TestSecrets.PASSWORD, s.reveal());
        Path file = Files.writeString(dir.resolve("pw"), TestSecrets.PASSWORD + "\n");
        assertEquals(s, Secret.fromFile(file));
        ProxyConfig p = ProxyConfig.builder().host("p").port(1).credentials("u", s).build();
        TestSecrets.assertNoSecret("ProxyConfig", p.toString());
        TestSecrets.assertNoSecret("SsmClientConfig", SsmClientConfig.builder().baseUrl("https://h").proxy(p).build().toString());
    }

    @Test
    void licensesRouteEncodesTheAccountDomain() {
        assertEquals("/backend/api/v1/accounts/acme.example/licenses", SsmRoutes.defaults().licensesPath("acme.example"));
        assertEquals("/backend/api/v1/accounts/a%20b%2Fc/licenses", SsmRoutes.defaults().licensesPath("a b/c"));
    }

    @Test
    void anAlreadyPercentEncodedBasePathIsNotEncodedAgain() {
        SsmClientConfig config = SsmClientConfig.builder().baseUrl("https://ssm.example.net:8443/ssm%20api/v%2B1/").build();
        assertEquals("https://ssm.example.net:8443/ssm%20api/v%2B1", config.baseUrl().toString());
        assertEquals("https://ssm.example.net:8443/ssm%20api/v%2B1", config.toBuilder().build().baseUrl().toString());
    }

    @Test
    void controlCharactersInSettingsAreRefusedNamingTheSetting() {
        io.github.ssmonprem.core.exception.SsmConfigurationException url = assertThrows(
                io.github.ssmonprem.core.exception.SsmConfigurationException.class,
                () -> SsmClientConfig.builder().baseUrl("https://ssm.example.net:8443/a\u0000b").build());
        assertEquals("baseUrl", url.setting());
        assertTrue(url.getMessage().contains("control character (U+0000)"), url.getMessage());
        io.github.ssmonprem.core.exception.SsmConfigurationException route = assertThrows(
                io.github.ssmonprem.core.exception.SsmConfigurationException.class,
                () -> SsmRoutes.builder().tokenPath("/oauth/token\r\nX-Injected: 1").build());
        assertEquals("routes.tokenPath", route.setting());
    }

    @Test
    void aSecretFileIsReadBoundedAndRefusedWhenItHoldsNoSecret() throws Exception {
        java.nio.file.Path big = java.nio.file.Files.createTempFile("secret", ".txt");
        try {
            java.nio.file.Files.write(big, new byte[Secret.MAX_FILE_BYTES + 1]);
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> Secret.fromFile(big));
            assertTrue(tooBig.getMessage().contains("larger than 65536 bytes"), tooBig.getMessage());
            java.nio.file.Files.writeString(big, "line1\nline2\n");
            IllegalArgumentException control = assertThrows(IllegalArgumentException.class, () -> Secret.fromFile(big));
            assertFalse(control.getMessage().contains("line1"), control.getMessage());
        } finally {
            java.nio.file.Files.delete(big);
        }
        java.nio.file.Path zero = java.nio.file.Path.of("/dev/zero");
        if (java.nio.file.Files.isReadable(zero)) {
            assertThrows(IllegalArgumentException.class, () -> Secret.fromFile(zero), "an endless device is refused, not read to the end");
        }
    }
}
