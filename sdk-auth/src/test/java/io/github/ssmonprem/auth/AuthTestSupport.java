package io.github.ssmonprem.auth;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;

/** Shared fixtures of the sdk-auth tests. */
final class AuthTestSupport {

    static final String CLIENT_ID = "ssm-client-7c1e";
    static final String USER = "svc-sdwan";

    private AuthTestSupport() {
    }

    static SsmClientConfig.Builder config(MockWebServer server, TestClock clock, SimpleMeterRegistry registry) {
        return SsmClientConfig.builder()
                .baseUrl(server.url("/").toString())
                .allowPlainHttp(true)
                .noProxy()
                .clock(clock)
                .sleeper(clock)
                .meterRegistry(registry);
    }

    static OAuthGrant passwordGrant() {
        return OAuthGrant.password(CLIENT_ID, Secret.of(TestSecrets.CLIENT_SECRET), USER, Secret.of(TestSecrets.PASSWORD));
    }

    static MockResponse token(String accessToken, Long expiresIn, String refreshToken, Long createdAt) {
        StringBuilder json = new StringBuilder("{\"access_token\":\"").append(accessToken).append("\",\"token_type\":\"Bearer\"");
        if (expiresIn != null) {
            json.append(",\"expires_in\":").append(expiresIn);
        }
        if (refreshToken != null) {
            json.append(",\"refresh_token\":\"").append(refreshToken).append('"');
        }
        if (createdAt != null) {
            json.append(",\"created_at\":").append(createdAt);
        }
        json.append(",\"scope\":\"\",\"unknown_field\":true}");
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json; charset=utf-8")
                .body(json.toString()).build();
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    /** An executor that runs nothing until told: shows that no caller waited for a background refresh. */
    static final class ManualExecutor implements Executor {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int pending() {
            return tasks.size();
        }

        void runAll() {
            Runnable next;
            while ((next = poll()) != null) {
                next.run();
            }
        }

        private synchronized Runnable poll() {
            return tasks.poll();
        }
    }
}
