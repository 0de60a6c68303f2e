package io.github.ssmonprem.examples.snippets;

// tag::configure[]
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import java.nio.file.Path;
import java.util.List;
// end::configure[]
import io.micrometer.core.instrument.MeterRegistry;

/** README, "Configuring a client". */
final class ConfiguringAClient {

    private ConfiguringAClient() {
    }

    static SsmClientConfig configure(MeterRegistry meterRegistry) {
        // tag::configure[]
        SsmClientConfig config = SsmClientConfig.builder()
            .baseUrl("https://ssm.example.net:8443")
            .tls(TlsConfig.trustPemFile(Path.of("/etc/ssm/ca.pem")))      // SSM On-Prem's private CA
            .proxy(ProxyConfig.builder().host("proxy.example.net").port(3128)
                .credentials("svc-ssm", Secret.fromEnv("SSM_PROXY_PASSWORD"))
                .nonProxyHosts(List.of("localhost", ".lab.example.net"))
                .build())
            .meterRegistry(meterRegistry)                                   // optional
            .build();
        // end::configure[]
        return config;
    }
}
