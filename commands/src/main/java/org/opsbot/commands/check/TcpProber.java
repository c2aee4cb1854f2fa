package org.opsbot.commands.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/** Measures {@link Probe.Tcp}: the time to open a connection. */
final class TcpProber {
    Measurement measure(Probe.Tcp probe, Duration timeout, Cancellation cancellation) throws ProbeException, IOException {
        InetSocketAddress address = new InetSocketAddress(probe.host(), probe.port());
        if (address.isUnresolved()) {
            throw new ProbeException("unknown host " + probe.host());
        }
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            // Closing the socket is what stops a blocked connect.
            cancellation.onCancel(() -> closeQuietly(socket));
            socket.connect(address, (int) Math.max(1, timeout.toMillis()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            Measurement.Sample sample = new Measurement.Sample("connect", ms, " ms");
            return Measurement.ok(ms + " ms", "connected to " + probe.host() + ":" + probe.port() + " in " + ms + " ms", List.of(sample));
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more can be done to stop it
        }
    }
}
