package io.github.ssmonprem.emulator;

/**
 * The ways a hostile or broken server keeps a license pull going, for
 * {@link SsmEmulator.Faults#endlessLicensePages(EndlessPages)}.
 */
public enum EndlessPages {
    /** Full pages with {@code totalRecords} 10^12: a pull that trusts the total never ends. */
    HUGE_TOTAL,
    /** The same first page whatever the {@code offset} asked for, with a plausible total. */
    IGNORED_OFFSET,
    /** Full pages with {@code totalRecords} -1. */
    NEGATIVE_TOTAL,
    /** One license per page, new ones forever, and a plausible {@code totalRecords} that is never reached. */
    SHORT_PAGES
}
