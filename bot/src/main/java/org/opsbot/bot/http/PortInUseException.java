package org.opsbot.bot.http;

/** The HTTP server's port is taken by another program (often another opsbot), so the server cannot start. */
public final class PortInUseException extends RuntimeException {
    private final int port;

    PortInUseException(int port, Throwable cause) {
        super("port " + port + " is already in use by another program", cause);
        this.port = port;
    }

    public int port() {
        return port;
    }
}
