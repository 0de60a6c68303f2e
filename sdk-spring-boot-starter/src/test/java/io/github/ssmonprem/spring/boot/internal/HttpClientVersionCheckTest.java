package io.github.ssmonprem.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import org.apache.hc.core5.util.VersionInfo;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * The version comparison itself is tested in sdk-core; here, that these tests run on the HttpClient
 * Spring Boot manages (no override in the build, as in a user's application) and that it passes.
 */
class HttpClientVersionCheckTest {

    /** What spring-boot-dependencies manages, per Boot version these tests run on. */
    private static final Map<String, String> MANAGED = Map.of("4.0.7", "5.5.2", "3.5.7", "5.5.1");
    private static final Map<String, String> MANAGED_CORE = Map.of("4.0.7", "5.3.6", "3.5.7", "5.3.6");

    @Test
    void theTestsRunOnTheHttpClientSpringBootManages() {
        String boot = SpringBootVersion.getVersion();
        assertThat(MANAGED).containsKey(boot);
        ClassLoader loader = getClass().getClassLoader();
        assertThat(VersionInfo.loadVersionInfo("org.apache.hc.client5", loader).getRelease()).isEqualTo(MANAGED.get(boot));
        assertThat(VersionInfo.loadVersionInfo("org.apache.hc.core5", loader).getRelease()).isEqualTo(MANAGED_CORE.get(boot));
    }

    @Test
    void theHttpClientSpringBootManagesPasses() {
        assertThatCode(() -> HttpClientVersionCheck.verify(getClass().getClassLoader())).doesNotThrowAnyException();
    }
}
