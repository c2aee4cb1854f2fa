package org.opsbot.commands.check;

import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code file}: the files matching a path or glob on the host (or container) the bot runs on,
 * measured one way per check: the newest match's age or size, or how many match. "The newest
 * backup is under 26 h old" and "it is over 1 MB" are two checks.
 */
public final class FileKind implements CheckKind<FileKind.File> {

    /** What a {@code file} check measures. */
    public enum Measure {
        /** Time since the newest match was last modified. */
        AGE,
        /** The newest match's size in bytes. */
        SIZE,
        /** How many regular files match; 0 is a value like any other. */
        COUNT
    }

    /** The files matching {@code path} (a glob in any of its names), and the one measure taken of them. */
    public record File(String path, Measure measure) implements Probe {
        @Override
        public String describe() {
            return switch (measure) {
                case AGE -> "age of the newest file matching " + path;
                case SIZE -> "size of the newest file matching " + path;
                case COUNT -> "number of files matching " + path;
            } + " (where the bot runs)";
        }

        @Override
        public Quantity quantity() {
            return switch (measure) {
                case AGE -> Quantity.AGE;
                case SIZE -> Quantity.SIZE;
                case COUNT -> Quantity.NUMBER;
            };
        }
    }

    @Override
    public String key() {
        return "file";
    }

    @Override
    public List<String> settings() {
        return List.of("path", "measure");
    }

    @Override
    public Class<File> probeType() {
        return File.class;
    }

    @Override
    public Optional<File> parse(KindSettings f) {
        Optional<String> path = f.string("path", true);
        Optional<String> measureText = f.string("measure", true);
        Optional<Measure> measure = Optional.empty();
        if (measureText.isPresent()) {
            try {
                measure = Optional.of(Measure.valueOf(measureText.get().trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                f.problem(f.line("measure"), "measure must be age, size or count, not \"" + measureText.get() + "\"",
                        "one measure per check: age (of the newest match), size (of the newest match) or count (of the matches)");
            }
        }
        if (path.isPresent() && !Glob.valid(path.get())) {
            f.problem(f.line("path"), "path \"" + path.get() + "\" is not a valid glob", "write a path such as /var/backups/cdc/*.sql.gz");
            return Optional.empty();
        }
        if (path.isEmpty() || measure.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new File(path.get(), measure.get()));
    }

    @Override
    public Measurement measure(File probe, ProbeContext context) throws ProbeException, IOException {
        Matches matches = Matches.find(probe.path(), "file", context);
        long count = matches.count();
        Path newest = matches.newest();
        BasicFileAttributes newestAttributes = matches.newestAttributes();
        if (probe.measure() == Measure.COUNT) {
            Measurement.Sample sample = new Measurement.Sample("count", count, "");
            return Measurement.ok(sample.shown(), count + (count == 1 ? " file matches " : " files match ") + probe.path(),
                    List.of(sample));
        }
        if (newest == null) {
            // The check ran and found the thing it guards missing: no backup is as bad as an old one.
            return new Measurement(Status.CRIT, "no file", List.of(), "no file matches " + probe.path());
        }
        Measurement.Sample sample = probe.measure() == Measure.AGE
                ? Measurement.Sample.age("age", Duration.between(newestAttributes.lastModifiedTime().toInstant(), Instant.now()))
                : Measurement.Sample.size("size", newestAttributes.size());
        String what = probe.measure() == Measure.AGE ? " is " + sample.shown() + " old" : " is " + sample.shown();
        return Measurement.ok(sample.shown(), "the newest of " + count + (count == 1 ? " match, " : " matches, ")
                + newest.getFileName() + "," + what, List.of(sample));
    }

    /** The regular files a path or glob matches: how many, and the newest (null when none). */
    record Matches(long count, Path newest, BasicFileAttributes newestAttributes) {
        static Matches find(String path, String kind, ProbeContext context) throws ProbeException, IOException {
            Glob glob = Glob.of(path);
            if (!Files.isDirectory(glob.base())) {
                throw new ProbeException("the directory " + glob.base() + " does not exist where the bot runs"
                        + " (" + kind + " checks see the bot's own host or container)");
            }
            long deadline = System.nanoTime() + context.timeout().toNanos();
            long count = 0;
            Path newest = null;
            BasicFileAttributes newestAttributes = null;
            try (Stream<Path> walk = Files.walk(glob.base(), glob.depth())) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (System.nanoTime() > deadline || context.cancellation().isCancelled()) {
                        throw new ProbeException("still looking for files matching " + path + " after "
                                + Numbers.duration(context.timeout()) + "; narrow the glob");
                    }
                    if (!glob.matches(p)) {
                        continue;
                    }
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (!a.isRegularFile()) {
                        continue;
                    }
                    count++;
                    if (newestAttributes == null || a.lastModifiedTime().compareTo(newestAttributes.lastModifiedTime()) > 0) {
                        newest = p;
                        newestAttributes = a;
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new Matches(count, newest, newestAttributes);
        }
    }

    /**
     * A path whose names may hold glob patterns ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}},
     * {@code **}): walked from the deepest directory without any, no deeper than the pattern reaches.
     */
    record Glob(Path base, PathMatcher matcher, int depth) {
        private static final String SPECIAL = "*?[{";

        static boolean isGlob(String path) {
            return path.chars().anyMatch(c -> SPECIAL.indexOf(c) >= 0);
        }

        static boolean valid(String path) {
            try {
                of(path);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        static Glob of(String text) {
            Path path = Path.of(text).toAbsolutePath().normalize();
            Path base = path.getRoot();
            int i = 0;
            for (; i < path.getNameCount(); i++) {
                String name = path.getName(i).toString();
                if (name.chars().anyMatch(c -> SPECIAL.indexOf(c) >= 0)) {
                    break;
                }
                base = base.resolve(name);
            }
            if (i == path.getNameCount()) {
                // No pattern: the path itself is the one file to look at.
                Path exact = base;
                return new Glob(exact.getParent() == null ? exact : exact.getParent(), exact::equals, 1);
            }
            int depth = text.contains("**") ? Integer.MAX_VALUE : path.getNameCount() - i;
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + path);
            return new Glob(base, m, depth);
        }

        boolean matches(Path p) {
            return matcher.matches(p.toAbsolutePath().normalize());
        }
    }
}
