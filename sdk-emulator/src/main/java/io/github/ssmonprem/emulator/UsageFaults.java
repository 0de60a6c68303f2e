package io.github.ssmonprem.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The switches of the faults of the usage routes (upload, poll, authorization request, account search),
 * set through {@link SsmEmulator.Faults} and read by {@link UsageRoutes}. Every method is called under
 * the routes' lock or is atomic on its own.
 */
final class UsageFaults {

    /** An answer to serve in place of the usual one: how many times, and what it says. */
    static final class Counted {
        final AtomicInteger left = new AtomicInteger();
        volatile int httpStatus;
        volatile String message;
        volatile String code;
        volatile long number;

        boolean take() {
            return left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        void set(int times, int httpStatus, String message, String code, long number) {
            this.httpStatus = httpStatus;
            this.message = message;
            this.code = code;
            this.number = number;
            left.set(Math.max(0, times));
        }
    }

    /** An error entry to serve for a device in the next COMPLETE answer that includes it. */
    static final class DeviceError {
        final DeviceId device;
        final String status;
        final String errorCode;
        final String statusMessage;

        DeviceError(DeviceId device, String status, String errorCode, String statusMessage) {
            this.device = device;
            this.status = status;
            this.errorCode = errorCode;
            this.statusMessage = statusMessage;
        }
    }

    final Counted okPollWithMessage = new Counted();
    final Counted failUploads = new Counted();
    final Counted pollInterval = new Counted();
    final Counted otherNonce = new Counted();
    final Counted pollIdUnderData = new Counted();
    final Counted accepted200 = new Counted();
    final Counted numericSearchIds = new Counted();
    private final List<DeviceError> deviceErrors = new ArrayList<>();

    synchronized void addDeviceError(DeviceError error) {
        deviceErrors.add(error);
    }

    /** {@return the first error entry waiting for the device, removed; or null} */
    synchronized DeviceError takeDeviceError(DeviceId device) {
        for (Iterator<DeviceError> it = deviceErrors.iterator(); it.hasNext();) {
            DeviceError e = it.next();
            if (e.device.equals(device)) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    synchronized void clear() {
        for (Counted c : List.of(okPollWithMessage, failUploads, pollInterval, otherNonce, pollIdUnderData, accepted200,
                numericSearchIds)) {
            c.left.set(0);
        }
        deviceErrors.clear();
    }
}
