package org.opsbot.commands.check;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code disk}: the used space of a file system on the host (or container) the bot runs on;
 * other hosts are checked through {@code http}, {@code prometheus}, {@code tcp} and {@code sql}.
 */
public final class DiskKind implements CheckKind<DiskKind.Disk> {

    /** The used space of the file system holding {@code path}, in percent (as {@code df} counts it). */
    public record Disk(String path) implements Probe {
        @Override
        public String describe() {
            return "used space of " + path + " (where the bot runs)";
        }
    }

    @Override
    public String key() {
        return "disk";
    }

    @Override
    public List<String> settings() {
        return List.of("path");
    }

    @Override
    public Class<Disk> probeType() {
        return Disk.class;
    }

    @Override
    public Optional<Disk> parse(KindSettings f) {
        return f.string("path", true).map(Disk::new);
    }

    @Override
    public Measurement measure(Disk probe, ProbeContext context) throws ProbeException, IOException {
        Path path = Path.of(probe.path());
        FileStore store;
        try {
            store = Files.getFileStore(path);
        } catch (NoSuchFileException e) {
            throw new ProbeException("the path " + probe.path() + " does not exist where the bot runs"
                    + " (disk checks see the bot's own host or container)");
        }
        long total = store.getTotalSpace();
        long free = store.getUnallocatedSpace();
        long available = store.getUsableSpace();
        long used = total - free;
        if (used + available <= 0) {
            throw new ProbeException("the file system of " + probe.path() + " reports no size");
        }
        // As df counts it: space reserved for root is neither used nor available to us.
        double percent = used * 100.0 / (used + available);
        double rounded = Math.round(percent * 10) / 10.0;
        Measurement.Sample sample = new Measurement.Sample("used", rounded, "%");
        return Measurement.ok(sample.shown(), probe.path() + " is " + sample.shown() + " full ("
                + gib(available) + " GiB free of " + gib(total) + " GiB)", List.of(sample));
    }

    private static String gib(long bytes) {
        return Numbers.format(Math.round(bytes / (1024.0 * 1024 * 1024) * 10) / 10.0);
    }
}
