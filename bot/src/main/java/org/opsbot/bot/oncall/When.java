package org.opsbot.bot.oncall;

import org.opsbot.commands.config.Durations;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.DateTimeException;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times people type after {@code at}: {@code 14:00}, {@code tomorrow 09:00}, {@code sat 03:00},
 * {@code 2026-12-24 18:00}, {@code in 2h}, or an ISO time with its offset. Read in the
 * caller's time zone, and always in the future unless a date says otherwise.
 */
public final class When {
    public static final String FORMATS = "`14:00`, `tomorrow 09:00`, `sat 03:00`, `2026-12-24 18:00` or `in 2h`";

    private static final Pattern CLOCK = Pattern.compile("(\\d{1,2}):(\\d{2})");
    private static final Map<String, DayOfWeek> DAYS = Map.ofEntries(
            Map.entry("mon", DayOfWeek.MONDAY), Map.entry("tue", DayOfWeek.TUESDAY), Map.entry("wed", DayOfWeek.WEDNESDAY),
            Map.entry("thu", DayOfWeek.THURSDAY), Map.entry("fri", DayOfWeek.FRIDAY), Map.entry("sat", DayOfWeek.SATURDAY),
            Map.entry("sun", DayOfWeek.SUNDAY));

    private When() {
    }

    public static Instant parse(String text, ZoneId zone, Instant now) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("in ")) {
                return now.plus(Durations.parse(t.substring(3).trim()));
            }
            if (t.contains("t") && (t.endsWith("z") || t.matches(".*[+-]\\d\\d:?\\d\\d$"))) {
                return OffsetDateTime.parse(text.trim()).toInstant();
            }
            String[] words = t.split("\\s+");
            ZonedDateTime local = now.atZone(zone);
            if (words.length == 1) {
                LocalTime time = clock(words[0]);
                ZonedDateTime today = ZonedDateTime.of(local.toLocalDate(), time, zone);
                return (today.isAfter(local) ? today : today.plusDays(1)).toInstant();
            }
            if (words.length == 2) {
                LocalTime time = clock(words[1]);
                LocalDate date = switch (words[0]) {
                    case "today" -> local.toLocalDate();
                    case "tomorrow" -> local.toLocalDate().plusDays(1);
                    default -> {
                        DayOfWeek day = DAYS.get(words[0].length() >= 3 ? words[0].substring(0, 3) : words[0]);
                        if (day != null) {
                            LocalDate candidate = local.toLocalDate().with(TemporalAdjusters.nextOrSame(day));
                            yield ZonedDateTime.of(candidate, time, zone).isAfter(local) ? candidate : candidate.plusWeeks(1);
                        }
                        yield LocalDate.parse(words[0]);
                    }
                };
                return ZonedDateTime.of(LocalDateTime.of(date, time), zone).toInstant();
            }
        } catch (DateTimeException | IllegalArgumentException e) {
            // falls through to the explanation below
        }
        throw new IllegalArgumentException("I can't read `" + text.trim() + "` as a time. Try " + FORMATS
                + " (in your Slack time zone, " + zone.getId() + ").");
    }

    private static LocalTime clock(String word) {
        Matcher m = CLOCK.matcher(word);
        if (!m.matches()) {
            throw new IllegalArgumentException(word);
        }
        return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
}
