package org.opsbot.commands.check;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Measures {@link Probe.Disk} on the host (or container) the bot runs on. */
final class DiskProber {
    Measurement measure(Probe.Disk probe) throws ProbeException, IOException {
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
