package io.commucat.ccp.device;

/** A failure the user can act on: one line on standard error, exit status 1. */
final class DeviceCliException extends Exception {

    DeviceCliException(String message) {
        super(message);
    }
}
