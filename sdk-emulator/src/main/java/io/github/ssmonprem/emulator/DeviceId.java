package io.github.ssmonprem.emulator;

import java.util.Comparator;

/**
 * A device's identity as the emulator reads and writes it on the wire: the product id and serial number
 * of its SUDI ({@code {"udi_pid":"C9800-CL-K9","udi_serial_number":"9NTUEA8FIIH"}}). The emulator does
 * not depend on the SDK's sync module, so it has this record of its own; its {@link #toString()},
 * {@code PID:SERIAL}, is what the SDK's {@code Sudi.toString()} gives for the same device.
 *
 * @param pid the product id ({@code udi_pid}), such as {@code C9800-CL-K9}
 * @param serialNumber the serial number ({@code udi_serial_number}), such as {@code 9NTUEA8FIIH}
 */
public record DeviceId(String pid, String serialNumber) implements Comparable<DeviceId> {

    private static final Comparator<DeviceId> ORDER = Comparator.comparing(DeviceId::pid).thenComparing(DeviceId::serialNumber);

    /**
     * Checks both parts as the SSM On-Prem wire profile does: 1 to 128 printable characters each.
     *
     * @param pid the product id
     * @param serialNumber the serial number
     * @throws IllegalArgumentException when a part is missing or not printable
     */
    public DeviceId {
        check("udi_pid", pid);
        check("udi_serial_number", serialNumber);
    }

    private static void check(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the device identity (SUDI) has no " + field);
        }
        if (value.length() > 128) {
            throw new IllegalArgumentException("the device identity's " + field + " is longer than 128 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException("the device identity's " + field + " holds a control character");
            }
        }
    }

    @Override
    public int compareTo(DeviceId other) {
        return ORDER.compare(this, other);
    }

    /** {@return {@code PID:SERIAL}, as operators write a device's identity} */
    @Override
    public String toString() {
        return pid + ":" + serialNumber;
    }
}
