package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.sync.model.License;
import java.util.List;

/**
 * Decides, page after page of the licenses route, whether to ask for the next one: the server is not
 * trusted to stop. Paging ends normally at {@code offset >= totalRecords} or an empty page; it fails
 * (the reason is returned) on a negative total, a total above the record cap, a page that repeats the
 * previous one (a server that ignores {@code offset}), or past the page or record cap (short pages
 * forever). Only counts and the previous page's fingerprint are kept: memory does not grow with the pages.
 */
final class LicensePaging {

    private final long maxRecords;
    private final int maxPages;
    private long total = -1;
    private long offset;
    private int pages;
    private long previousFingerprint;
    private int previousSize;

    LicensePaging(long maxRecords, int maxPages) {
        this.maxRecords = maxRecords;
        this.maxPages = maxPages;
    }

    /** The offset of the next page to ask for. */
    long offset() {
        return offset;
    }

    /** Whether another page is to be asked for (the last one did not end the listing). */
    boolean more() {
        return total < 0 || offset < total;
    }

    /**
     * Records a page.
     *
     * @param totalRecords the page's {@code totalRecords}, or null when absent
     * @param licenses the page's licenses
     * @return null when the page is usable, else why the listing cannot be trusted
     */
    String accept(Long totalRecords, List<License> licenses) {
        pages++;
        if (totalRecords != null) {
            if (totalRecords < 0) {
                return "announces totalRecords " + totalRecords + ", which is no count";
            }
            if (totalRecords > maxRecords) {
                return "announces totalRecords " + totalRecords + ", more than the " + maxRecords + " licenses a pull accepts (maxLicenses)";
            }
            total = totalRecords;
        }
        long fingerprint = fingerprint(licenses);
        if (!licenses.isEmpty() && pages > 1 && licenses.size() == previousSize && fingerprint == previousFingerprint) {
            return "repeats at offset " + offset + " the page it sent for the previous offset: it ignores offset";
        }
        previousFingerprint = fingerprint;
        previousSize = licenses.size();
        offset += licenses.size();
        if (offset > maxRecords) {
            return "sent more than the " + maxRecords + " licenses a pull accepts (maxLicenses)";
        }
        if (!licenses.isEmpty() && more() && pages >= maxPages) {
            return "is not done after " + pages + " pages (" + offset + " licenses), the most a pull asks for (maxLicensePages)";
        }
        return null;
    }

    private static long fingerprint(List<License> licenses) {
        long h = 1125899906842597L;
        for (License l : licenses) {
            h = 31 * h + l.hashCode();
        }
        return h;
    }
}
