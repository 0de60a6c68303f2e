package io.github.ssmonprem.spring.boot.internal;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks the SSM secrets in {@code /actuator/env} and {@code /actuator/configprops}: the client
 * secret, the password and the proxy password, however they are spelled (relaxed binding, such as
 * {@code SSM_ONPREM_CLIENT_SECRET}). Boot's own default masks every value; this keeps these masked
 * when an application shows values.
 */
public final class SsmSecretSanitizer implements SanitizingFunction {

    /** Creates the function. */
    public SsmSecretSanitizer() {
    }

    @Override
    public SanitizableData apply(SanitizableData data) {
        return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
    }

    /**
     * Whether a key names one of the SSM secrets.
     *
     * @param key a property key as shown by the endpoint
     * @return true for the client secret and passwords
     */
    public static boolean isSecret(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(".", "");
        return k.endsWith("clientsecret") || k.endsWith("password");
    }
}
