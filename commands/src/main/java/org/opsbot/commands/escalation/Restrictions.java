package org.opsbot.commands.escalation;

import org.opsbot.commands.config.Schedule.Layer;
import org.opsbot.commands.config.Schedule.Restriction;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer's restriction to days and hours, on the wall clock of the layer's zone: each listed
 * day has one window from {@code from} to {@code to} (the next day's {@code to} for a night, the
 * next day's {@code from} for a whole day). Across a daylight-saving change a window keeps its
 * wall-clock times and so is an hour shorter or longer.
 */
final class Restrictions {
    private Restrictions() {
    }

    static boolean covers(Layer layer, Instant at) {
        if (layer.restriction().isEmpty()) {
            return true;
        }
        Restriction r = layer.restriction().get();
        LocalDate today = at.atZone(layer.timeZone()).toLocalDate();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today); day = day.plusDays(1)) {
            if (r.days().contains(day.getDayOfWeek())) {
                Instant start = start(layer, r, day);
                if (!at.isBefore(start) && at.isBefore(end(layer, r, day))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The windows' starts and ends from two days before {@code at} to a week after: enough to find the nearest either side. */
    static List<Instant> edgesAround(Layer layer, Instant at) {
        if (layer.restriction().isEmpty()) {
            return List.of();
        }
        Restriction r = layer.restriction().get();
        LocalDate today = at.atZone(layer.timeZone()).toLocalDate();
        List<Instant> edges = new ArrayList<>();
        for (LocalDate day = today.minusDays(8); !day.isAfter(today.plusDays(8)); day = day.plusDays(1)) {
            if (r.days().contains(day.getDayOfWeek())) {
                edges.add(start(layer, r, day));
                edges.add(end(layer, r, day));
            }
        }
        return edges;
    }

    private static Instant start(Layer layer, Restriction r, LocalDate day) {
        return ZonedDateTime.of(day, r.from(), layer.timeZone()).toInstant();
    }

    private static Instant end(Layer layer, Restriction r, LocalDate day) {
        LocalDate endDay = r.to().isAfter(r.from()) ? day : day.plusDays(1);
        return ZonedDateTime.of(endDay, r.to(), layer.timeZone()).toInstant();
    }
}
