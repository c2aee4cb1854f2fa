package org.opsbot.bot.oncall;

import biweekly.Biweekly;
import biweekly.ICalendar;
import biweekly.component.VEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.CalendarTokens;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.escalation.Shift;
import org.opsbot.commands.model.OnCallOverride;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /calendar/<token>.ics}: the shifts of a schedule, or of one person across every
 * schedule, as an RFC 5545 calendar that Google Calendar or Outlook subscribe to. The token in
 * the path is the only credential (calendar apps send no other); an unknown, revoked or
 * malformed one gets the same 404, and the access log never shows it.
 */
public final class CalendarFeed {
    /** The path prefix; {@code AccessLog} masks what follows it. */
    public static final String PATH = "/calendar/";
    static final Duration PAST = Duration.ofDays(7);
    static final Duration AHEAD = Duration.ofDays(56);
    private static final Logger LOG = LoggerFactory.getLogger(CalendarFeed.class);

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final CalendarTokens tokens;
    private final Clock clock;

    CalendarFeed(Supplier<OpsbotConfig> config, Overrides overrides, CalendarTokens tokens, Clock clock) {
        this.config = config;
        this.overrides = overrides;
        this.tokens = tokens;
        this.clock = clock;
    }

    void routes(HttpRouting.Builder routing) {
        routing.get(PATH + "{file}", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().first("file").orElse("");
        Optional<String> body;
        try {
            body = file.endsWith(".ics") ? render(file.substring(0, file.length() - ".ics".length())) : Optional.empty();
        } catch (StoreException e) {
            LOG.warn("A calendar feed could not be read: the database is unavailable ({})", e.getMessage());
            res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                    .send("The calendar is unavailable for a moment; try again later.\n");
            return;
        }
        if (body.isEmpty()) {
            res.status(Status.NOT_FOUND_404).header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN)
                    .send("No such calendar. Ask for a new address with /ops schedule url.\n");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/calendar; charset=utf-8")
                .header(HeaderNames.CACHE_CONTROL, "private, max-age=300")
                .send(body.get());
    }

    /** The calendar a token opens; empty for a token that opens none. */
    Optional<String> render(String token) {
        Optional<CalendarTokens.Subject> subject = tokens.subject(token);
        if (subject.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant from = now.minus(PAST);
        Instant until = now.plus(AHEAD);
        List<OnCallOverride> active = overrides.endingAfter(from);
        ICalendar ical = new ICalendar();
        ical.setProductId("-//opsbot//on-call schedules//EN");
        String name = subject.get().name();
        if (subject.get().kind() == CalendarTokens.Subject.Kind.SCHEDULE) {
            Schedule schedule = config.get().schedules().get(name);
            if (schedule == null) {
                return Optional.empty();
            }
            ical.setName("On call: " + name);
            ical.addExperimentalProperty("X-WR-CALNAME", "On call: " + name);
            for (Shift shift : Rotation.shifts(schedule, active, from, until)) {
                ical.addEvent(event(schedule, shift, "On call: " + shift.user(), now));
            }
            for (Rotation.Gap gap : Rotation.gaps(schedule, active, from, until)) {
                VEvent event = new VEvent();
                event.setUid("gap-" + name + "-" + gap.from().toEpochMilli() + "@opsbot");
                event.setDateTimeStamp(Date.from(now));
                event.setDateStart(Date.from(gap.from()));
                event.setDateEnd(Date.from(gap.until()));
                event.setSummary("Nobody on call (" + name + ")");
                event.setTransparency(true);
                ical.addEvent(event);
            }
        } else {
            ical.setName("My on-call shifts");
            ical.addExperimentalProperty("X-WR-CALNAME", "My on-call shifts");
            for (Schedule schedule : config.get().schedules().values()) {
                for (Shift shift : Rotation.shifts(schedule, active, from, until)) {
                    if (shift.user().equals(name)) {
                        ical.addEvent(event(schedule, shift, "On call: " + schedule.name(), now));
                    }
                }
            }
        }
        return Optional.of(Biweekly.write(ical).go());
    }

    private static VEvent event(Schedule schedule, Shift shift, String summary, Instant now) {
        VEvent event = new VEvent();
        // Stable across fetches, so a calendar updates an event rather than adding another.
        event.setUid(schedule.name() + "-" + shift.from().toEpochMilli() + "-" + shift.user()
                + shift.override().map(o -> "-o" + o.id()).orElse("") + "@opsbot");
        event.setDateTimeStamp(Date.from(now));
        event.setDateStart(Date.from(shift.from()));
        event.setDateEnd(Date.from(shift.until()));
        event.setSummary(summary + shift.override().map(o -> " (override " + o.id() + ")").orElse(""));
        event.setDescription("Schedule " + schedule.name() + ", Slack user " + shift.user()
                + shift.override().map(o -> ", an override set by " + o.createdBy()).orElse(""));
        return event;
    }
}
