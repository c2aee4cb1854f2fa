package org.opsbot.commands.check;

/** The probe could not tell; the message says why in words a person understands. */
final class ProbeException extends Exception {
    ProbeException(String message) {
        super(message);
    }
}
