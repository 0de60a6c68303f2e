package io.github.ssmonprem.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.spring.boot.SsmOnPremProperties;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The properties the failure analysis names for the SDK's settings are the starter's real properties. */
class SsmFailureAnalyzerTest {

    @Test
    void everyPropertyNamedForAnSdkSettingExistsInTheMetadata() throws Exception {
        JsonNode metadata;
        try (InputStream in = SsmOnPremProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> names = new HashSet<>();
        metadata.get("properties").forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).containsAll(SsmFailureAnalyzer.PROPERTIES.values());
    }
}
