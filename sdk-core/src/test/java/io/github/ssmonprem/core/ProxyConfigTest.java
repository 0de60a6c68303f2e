package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {

    @Test
    void httpsProxyWithUserInfoIsParsedAndPercentDecoded() {
        ProxyConfig p = ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "http://svc%40corp:p%3Ass%2Bw@proxy.corp:3128/"))
                .orElseThrow();
        assertEquals("proxy.corp", p.host());
        assertEquals(3128, p.port());
        assertEquals("svc@corp", p.username().orElseThrow());
        assertEquals("p:ss+w", p.password().orElseThrow().reveal());
        assertFalse(p.toString().contains("p:ss+w"), p.toString());
    }

    @Test
    void lowerCaseVariablesWinAndPortDefaultsLikeCurl() {
        ProxyConfig p = ProxyConfig.fromEnvironment(Map.of("https_proxy", "proxy-a", "HTTPS_PROXY", "http://proxy-b:8080"))
                .orElseThrow();
        assertEquals("proxy-a", p.host());
        assertEquals(1080, p.port());
        assertTrue(ProxyConfig.fromEnvironment(Map.of("HTTP_PROXY", "http://p:1")).isEmpty(), "only HTTPS_PROXY applies");
    }

    @Test
    void noProxyListMatchesHostsSuffixesPortsAndStar() {
        ProxyConfig p = ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "http://p:3128",
                "NO_PROXY", " localhost, .lab.example ,corp.example,10.1.2.3:8443, [::1]")).orElseThrow();
        assertFalse(p.appliesTo("localhost"));
        assertFalse(p.appliesTo("ssm.lab.example"));
        assertFalse(p.appliesTo("lab.example"));
        assertFalse(p.appliesTo("corp.example"));
        assertFalse(p.appliesTo("ssm.corp.example"));
        assertFalse(p.appliesTo("10.1.2.3"));
        assertFalse(p.appliesTo("[::1]"));
        assertTrue(p.appliesTo("notcorp.example"));
        assertTrue(p.appliesTo("ssm.example.net"));
        ProxyConfig all = ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "http://p:3128", "no_proxy", "*")).orElseThrow();
        assertFalse(all.appliesTo("anything.example"));
    }

    @Test
    void systemPropertiesUseThePipeListWithWildcards() {
        Properties props = new Properties();
        props.setProperty("https.proxyHost", "proxy.corp");
        props.setProperty("http.nonProxyHosts", "localhost|*.lab.example|10.*");
        ProxyConfig p = ProxyConfig.fromSystemProperties(props).orElseThrow();
        assertEquals(443, p.port(), "the JDK's default https.proxyPort");
        assertEquals(List.of("localhost", "*.lab.example", "10.*"), p.nonProxyHosts());
        assertFalse(p.appliesTo("ssm.lab.example"));
        assertTrue(p.appliesTo("lab.example"), "a JDK glob *.x does not match x itself");
        assertFalse(p.appliesTo("10.0.0.7"));
        assertTrue(p.appliesTo("ssm.example.net"));
        props.setProperty("https.proxyPort", "3128");
        assertEquals(3128, ProxyConfig.fromSystemProperties(props).orElseThrow().port());
        props.setProperty("https.proxyPort", "x");
        assertEquals("https.proxyPort", assertThrows(SsmConfigurationException.class,
                () -> ProxyConfig.fromSystemProperties(props)).setting());
        assertTrue(ProxyConfig.fromSystemProperties(new Properties()).isEmpty());
    }

    @Test
    void unsupportedSchemeAndMissingHostAreConfigurationErrorsThatHideThePassword() {
        SsmConfigurationException e = assertThrows(SsmConfigurationException.class,
                () -> ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://u:hidden@p:1080")));
        assertEquals("HTTPS_PROXY", e.setting());
        assertFalse(e.getMessage().contains("hidden"));
        SsmConfigurationException noHost = assertThrows(SsmConfigurationException.class,
                () -> ProxyConfig.parseUrl("http://u:hidden@:3128", "--proxy"));
        assertFalse(noHost.getMessage().contains("hidden"), noHost.getMessage());
    }
}
