package io.github.ssmonprem.core;

/** The SDK's version, as packaged. */
public final class SdkVersion {

    /** The version of this SDK, or {@code dev} when not run from a packaged jar. */
    public static final String VERSION = resolve();

    private SdkVersion() {
    }

    private static String resolve() {
        try (java.io.InputStream in = SdkVersion.class.getResourceAsStream("sdk-version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (java.io.IOException e) {
            // fall through to "dev"
        }
        return "dev";
    }
}
