package io.github.ssmonprem.sync.usage;

import java.util.Comparator;

/**
 * The identity of a device (a product instance): its product id and serial number, as its RUM
 * reports, acknowledgements and the {@code X-CSW-REQUESTING-SYSTEM} header carry them
 * ({@code {"udi_pid":"C9800-CL-K9","udi_serial_number":"9NTUEA8FIIH"}}).
 *
 * @param pid the product id ({@code udi_pid}), such as {@code C9800-CL-K9}
 * @param serialNumber the serial number ({@code udi_serial_number}), such as {@code 9NTUEA8FIIH}
 */
public record Sudi(String pid, String serialNumber) implements Comparable<Sudi> {

    private static final Comparator<Sudi> ORDER = Comparator.comparing(Sudi::pid).thenComparing(Sudi::serialNumber);

    /**
     * Checks both parts: 1 to 128 printable characters each, no control characters.
     *
     * @param pid the product id
     * @param serialNumber the serial number
     * @throws InvalidUsageReportException when a part is missing or not printable
     */
    public Sudi {
        check("udi_pid", pid);
        check("udi_serial_number", serialNumber);
    }

    private static void check(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidUsageReportException("the device identity (SUDI) has no " + field);
        }
        if (value.length() > 128) {
            throw new InvalidUsageReportException("the device identity's " + field + " is longer than 128 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidUsageReportException("the device identity's " + field + " holds a control character");
            }
        }
    }

    /**
     * {@return the SUDI as a file-name part, {@code PID_SERIAL}, with every character other than
     * {@code A-Z a-z 0-9 . -} replaced by {@code _}}
     */
    public String fileName() {
        return (pid + "_" + serialNumber).replaceAll("[^A-Za-z0-9.-]", "_");
    }

    @Override
    public int compareTo(Sudi other) {
        return ORDER.compare(this, other);
    }

    /** {@return {@code PID:SERIAL}, as operators write a device's identity} */
    @Override
    public String toString() {
        return pid + ":" + serialNumber;
    }
}
