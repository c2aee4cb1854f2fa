package org.opsbot.commands.check;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code tcp}: the time to open a connection. */
public final class TcpKind implements CheckKind<TcpKind.Tcp> {

    /** A TCP connect; the value is the connect time in milliseconds. */
    public record Tcp(String host, int port) implements Probe {
        @Override
        public String describe() {
            return "connect to " + host + ":" + port;
        }

        @Override
        public Quantity quantity() {
            return Quantity.LATENCY;
        }
    }

    @Override
    public String key() {
        return "tcp";
    }

    @Override
    public List<String> settings() {
        return List.of("host", "port");
    }

    @Override
    public Class<Tcp> probeType() {
        return Tcp.class;
    }

    @Override
    public Optional<Tcp> parse(KindSettings f) {
        Optional<String> host = f.string("host", true);
        Optional<Long> port = f.integer("port", true, 1, 65535);
        return host.isPresent() && port.isPresent() ? Optional.of(new Tcp(host.get(), port.get().intValue())) : Optional.empty();
    }

    @Override
    public Measurement measure(Tcp probe, ProbeContext context) throws ProbeException, IOException {
        Duration timeout = context.timeout();
        Cancellation cancellation = context.cancellation();
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
