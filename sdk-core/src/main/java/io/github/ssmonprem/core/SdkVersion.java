package io.github.ssmonprem.core;

/** The SDK's version, as packaged. */
public final class SdkVersion {

    /** The version of this SDK, or {@code dev} when not run from a packaged jar. */
    public static final String VERSION = resolve();

    private SdkVersion() {
    }

    private static String resolve() {
        String v = SdkVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
