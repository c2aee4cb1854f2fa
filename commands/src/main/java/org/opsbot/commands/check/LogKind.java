package org.opsbot.commands.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code log}: how many lines of a log file on the bot's host match a pattern, within the last N
 * lines or the last N minutes; the last matching line is shown. A glob reads the newest file it
 * matches (the latest run's log of a tool that writes one per run). Only the file's tail is read
 * ({@link #TAIL_BYTES}), so a log of gigabytes costs no more than a small one.
 */
public final class LogKind implements CheckKind<LogKind.Log> {
    /** The most read from the end of a file; a window reaching further back is cut here, and says so. */
    static final int TAIL_BYTES = 8 << 20;
    private static final int SHOWN_LINE = 200;
    private static final Pattern WINDOW = Pattern.compile("\\s*(\\d+)\\s*(lines?|s|m|h|d)\\s*");
    /** A timestamp at the start of a line, perhaps in [brackets]: 2026-12-02T06:00:00Z, 2026-12-02 06:00:00,123, 2026/12/02 06:00:00. */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "^\\[?(\\d{4})[-/](\\d{2})[-/](\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?\\s?(Z|[+-]\\d{2}:?\\d{2})?");

    /**
     * Lines of {@code path} matching {@code pattern}, within the last {@code lines} lines or, when
     * {@code within} is set, the lines whose leading timestamp (read in {@code zone} when it carries
     * no offset) is at most that old.
     */
    public record Log(String path, String pattern, Optional<Integer> lines, Optional<Duration> within, ZoneId zone) implements Probe {
        @Override
        public String describe() {
            return "lines matching /" + pattern + "/ in " + window() + " of " + path + " (where the bot runs)";
        }

        String window() {
            return lines.map(n -> "the last " + n + " lines").orElseGet(() -> "the last " + Numbers.age(within.orElseThrow()));
        }
    }

    @Override
    public String key() {
        return "log";
    }

    @Override
    public List<String> settings() {
        return List.of("path", "pattern", "window", "time-zone");
    }

    @Override
    public Class<Log> probeType() {
        return Log.class;
    }

    @Override
    public Optional<Log> parse(KindSettings f) {
        Optional<String> path = f.string("path", true);
        Optional<String> pattern = f.has("pattern") ? f.regex("pattern") : f.string("pattern", true);
        Optional<String> windowText = f.string("window", true);
        Optional<Integer> lines = Optional.empty();
        Optional<Duration> within = Optional.empty();
        String fix = "write the last lines to read, e.g. \"200 lines\", or a time, e.g. 15m, 2h or 1d (lines must start with a timestamp)";
        if (windowText.isPresent()) {
            Matcher m = WINDOW.matcher(windowText.get());
            if (!m.matches()) {
                f.problem(f.line("window"), "window \"" + windowText.get() + "\" is neither a number of lines nor a time", fix);
            } else {
                long n = Long.parseLong(m.group(1));
                if (n < 1 || n > 1_000_000) {
                    f.problem(f.line("window"), "window \"" + windowText.get() + "\" is out of range", "use from 1 to 1000000 " + m.group(2));
                } else if (m.group(2).startsWith("line")) {
                    lines = Optional.of((int) n);
                } else {
                    within = Optional.of(switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
                }
            }
        }
        ZoneId zone = ZoneOffset.UTC;
        Optional<String> zoneText = f.string("time-zone", false);
        if (zoneText.isPresent()) {
            try {
                zone = ZoneId.of(zoneText.get());
            } catch (DateTimeException e) {
                f.problem(f.line("time-zone"), "unknown time zone \"" + zoneText.get() + "\"", "use a region name such as Europe/Berlin or UTC");
            }
            if (lines.isPresent()) {
                f.problem(f.line("time-zone"), "time-zone only applies to a window of time, not of lines", "remove it, or write the window as a time");
            }
        }
        if (path.isEmpty() || pattern.isEmpty() || (lines.isEmpty() && within.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new Log(path.get(), pattern.get(), lines, within, zone));
    }

    @Override
    public Measurement measure(Log probe, ProbeContext context) throws ProbeException, IOException {
        Path file = Path.of(probe.path());
        if (FileKind.Glob.isGlob(probe.path())) {
            FileKind.Matches matches = FileKind.Matches.find(probe.path(), "log", context);
            if (matches.newest() == null) {
                throw new ProbeException("no file matches " + probe.path());
            }
            file = matches.newest();
        }
        Tail tail = Tail.read(file, TAIL_BYTES);
        List<String> lines = tail.lines();
        List<String> window;
        if (probe.lines().isPresent()) {
            window = lines.subList(Math.max(0, lines.size() - probe.lines().get()), lines.size());
        } else {
            window = byTime(lines, Instant.now().minus(probe.within().orElseThrow()), probe.zone(), probe.path());
        }
        Pattern pattern = Pattern.compile(probe.pattern());
        int count = 0;
        String last = null;
        for (String line : window) {
            if (pattern.matcher(line).find()) {
                count++;
                last = line;
            }
        }
        String shown = count + (count == 1 ? " match" : " matches") + (last == null ? "" : ", last: \"" + printable(last) + "\"");
        Measurement.Sample sample = new Measurement.Sample("matches", count, "", shown);
        String cut = tail.truncated() && window.size() == lines.size()
                ? " (only the last " + Numbers.size(TAIL_BYTES) + " of the file are read)" : "";
        String of = file.toString().equals(probe.path()) ? "" : " of " + file;
        return Measurement.ok(shown, shown + " in " + probe.window() + of + cut, List.of(sample));
    }

    /**
     * The lines written since {@code since}: a line counts by the timestamp it starts with, and a line
     * without one (a stack trace, a continuation) by the last timestamp above it; lines above the
     * first timestamp read cannot be placed and are left out.
     */
    private static List<String> byTime(List<String> lines, Instant since, ZoneId zone, String path) throws ProbeException {
        List<String> window = new ArrayList<>();
        Instant current = null;
        boolean anyTimestamp = false;
        for (String line : lines) {
            Optional<Instant> at = timestamp(line, zone);
            if (at.isPresent()) {
                current = at.get();
                anyTimestamp = true;
            }
            if (current != null && !current.isBefore(since)) {
                window.add(line);
            }
        }
        if (!anyTimestamp && !lines.isEmpty()) {
            throw new ProbeException("no line of " + path + " starts with a timestamp opsbot reads (such as 2026-12-02 06:00:00)"
                    + ", so a window of time cannot be applied; use a window of lines");
        }
        return window;
    }

    static Optional<Instant> timestamp(String line, ZoneId zone) {
        Matcher m = TIMESTAMP.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            String fraction = m.group(7) == null ? "0" : (m.group(7) + "00000000").substring(0, 9);
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), Integer.parseInt(fraction));
            String offset = m.group(8);
            ZoneId at = offset == null ? zone : ZoneOffset.of(offset.equals("Z") ? "Z"
                    : offset.length() == 5 ? offset.substring(0, 3) + ":" + offset.substring(3) : offset);
            return Optional.of(local.atZone(at).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** A log line as it may be shown anywhere, a terminal included: no control characters, and short. */
    private static String printable(String line) {
        String clean = line.replaceAll("\\p{Cntrl}", "\uFFFD").strip();
        return clean.length() <= SHOWN_LINE ? clean : clean.substring(0, SHOWN_LINE - 1) + "…";
    }

    /** The complete lines of the last {@code max} bytes of a file. */
    record Tail(List<String> lines, boolean truncated) {
        static Tail read(Path path, int max) throws ProbeException, IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = channel.size();
                long start = Math.max(0, size - max);
                ByteBuffer buffer = ByteBuffer.allocate((int) (size - start));
                while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                    // read until the tail is in or the file ends (it may shrink while read)
                }
                buffer.flip();
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)
                        .decode(buffer).toString();
                if (start > 0) {
                    // The first line read is most likely cut; it starts after the first newline.
                    int nl = text.indexOf('\n');
                    text = nl < 0 ? "" : text.substring(nl + 1);
                }
                List<String> lines = new ArrayList<>(text.lines().toList());
                return new Tail(lines, start > 0);
            } catch (NoSuchFileException e) {
                throw new ProbeException("the file " + path + " does not exist where the bot runs"
                        + " (log checks see the bot's own host or container)");
            }
        }
    }
}
