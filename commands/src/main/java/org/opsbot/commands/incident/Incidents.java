package org.opsbot.commands.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opsbot.commands.alert.AlertSource;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.IncidentStore;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.model.Walk;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Incidents and their life: declared (the declarer commands), acknowledged, updated, handed
 * over, mitigated, resolved. Each change is a compare-and-set on the stored row and lands on
 * the incident's own timeline and in the audit log; the timeline adds what happened to linked
 * alert groups and the incident's escalation, read from where those are kept.
 */
public final class Incidents {
    private static final ObjectMapper JSON = new ObjectMapper();
    // Escalation pages people; the two most severe levels are worth waking someone for.
    private static final int PAGED_LEVELS = 2;
    private static final int ATTEMPTS = 5;

    private final IncidentStore store;
    private final AlertStore alerts;
    private final AuditLog audit;
    private final Escalations escalations;
    private final Supplier<OpsbotConfig> config;
    private final Clock clock;

    public Incidents(Database db, OpsbotConfig config, Escalations escalations, AuditLog audit, Clock clock) {
        this(db, () -> config, escalations, audit, clock);
    }

    /** @param config read at each decision: the configuration in force */
    public Incidents(Database db, Supplier<OpsbotConfig> config, Escalations escalations, AuditLog audit, Clock clock) {
        this.store = new IncidentStore(db);
        this.alerts = new AlertStore(db);
        this.audit = audit;
        this.escalations = escalations;
        this.config = config;
        this.clock = clock;
    }

    /** What a change did: the incident after it, and whether anything changed (else why not). */
    public record Outcome(Incident incident, boolean changed, String why) {
        static Outcome done(Incident incident) {
            return new Outcome(incident, true, "");
        }

        static Outcome unchanged(Incident incident, String why) {
            return new Outcome(incident, false, why);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Declaring

    /** The configured level named {@code name} (any case), or a message naming the levels there are. */
    public Severity severity(String name) {
        return severity(Optional.empty(), name);
    }

    /** The level named {@code name} (any case) of {@code team}: its own levels, else the global ones. */
    public Severity severity(Optional<String> team, String name) {
        List<Severity> levels = levels(team);
        return levels.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IncidentException("There is no severity `" + name + "`"
                        + team.filter(t -> !levels.equals(config.get().severities())).map(t -> " for team " + t).orElse("")
                        + ". Severities: " + String.join(", ", levels.stream().map(Severity::name).toList()) + "."));
    }

    /** The levels of {@code team} (its own {@code severities:}), else the global ones; most severe first. */
    public List<Severity> levels(Optional<String> team) {
        return config.get().severities(team.orElse(null));
    }

    public boolean isTopSeverity(Severity severity) {
        return isTopSeverity(Optional.empty(), severity);
    }

    /** Whether {@code severity} is {@code team}'s most severe level (the global list's without a team). */
    public boolean isTopSeverity(Optional<String> team, Severity severity) {
        return levels(team).getFirst().name().equals(severity.name());
    }

    /** Whether declaring at this level pages the team (the two most severe levels do). */
    public boolean pages(String severity) {
        return pages(Optional.empty(), severity);
    }

    /** Whether declaring at this level pages {@code team}: the two most severe of the team's own levels do. */
    public boolean pages(Optional<String> team, String severity) {
        List<Severity> levels = levels(team);
        for (int i = 0; i < Math.min(PAGED_LEVELS, levels.size()); i++) {
            if (levels.get(i).name().equals(severity)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Declares an incident commanded by {@code user}, links {@code alertGroup} when given, and
     * starts the team's escalation when the level pages.
     */
    public Incident declare(Severity severity, Optional<String> team, String title, String user,
                            Optional<String> channel, Optional<Long> alertGroup) {
        if (title.isBlank()) {
            throw new IncidentException("An incident needs a title: what is broken, as users see it.");
        }
        team.filter(t -> !config.get().teams().containsKey(t)).ifPresent(t -> {
            throw new IncidentException("There is no team `" + t + "`. Teams: " + String.join(", ", config.get().teams().keySet()) + ".");
        });
        Optional<StoredAlertGroup> group = alertGroup.map(id -> alerts.group(id)
                .orElseThrow(() -> new IncidentException("There is no alert group #" + id + ".")));
        Optional<String> owner = team.or(() -> group.map(g -> g.route().team()));
        Instant now = now();
        Incident draft = new Incident(0, severity.name(), title.strip(), owner, user, user, Incident.State.OPEN, channel,
                Optional.empty(), Optional.empty(), now, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), now, Optional.empty());
        Incident incident = store.declare(draft, severity.name() + " declared: " + draft.title());
        audit.append(user, "incident.declare", incident.subject(), details(incident));
        group.ifPresent(g -> link(incident.id(), g.id(), user));
        if (owner.isPresent() && pages(owner, severity.name())) {
            // The declarer commands it and knows: the walk does not page them for their own declaration.
            escalations.open(incident.subject(), owner.get(), severity.name(), Optional.of(Walk.Aware.declared(user)));
        }
        return incident;
    }

    // ---------------------------------------------------------------------------------------
    // During

    public Outcome update(long id, String user, String text) {
        if (text.isBlank()) {
            throw new IncidentException("An update needs some text: what changed, what is next.");
        }
        return change(id, user, "UPDATE", text.strip(), "incident.update",
                i -> i.open() ? null : "It is resolved already; updates go to open incidents.",
                i -> with(i, b -> {
                    b.lastUpdateAt = now();
                    b.remindedAt = Optional.empty();
                }));
    }

    public Outcome acknowledge(long id, String user) {
        Outcome outcome = change(id, user, "ACKNOWLEDGED", "acknowledged the incident", "incident.ack",
                i -> !i.open() ? "It is resolved already."
                        : i.ackedBy().map(u -> "<@" + u + "> acknowledged it already.").orElse(null),
                i -> with(i, b -> {
                    b.ackedAt = Optional.of(now());
                    b.ackedBy = Optional.of(user);
                }));
        if (outcome.changed()) {
            escalations.acknowledged(outcome.incident().subject(), user);
        }
        return outcome;
    }

    /** The impact is contained (service restored), root cause aside: the clock for time to mitigate stops. */
    public Outcome mitigate(long id, String user) {
        return change(id, user, "MITIGATED", "marked the impact mitigated", "incident.mitigate",
                i -> !i.open() ? "It is resolved already."
                        : i.mitigatedAt().isPresent() ? "It is marked mitigated already." : null,
                i -> with(i, b -> b.mitigatedAt = Optional.of(now())));
    }

    public Outcome resolve(long id, String user) {
        Outcome outcome = change(id, user, "RESOLVED", "resolved the incident", "incident.resolve",
                i -> i.open() ? null : i.resolvedBy().map(u -> "<@" + u + "> resolved it already.").orElse("It is resolved already."),
                // Resolved implies mitigated: time to mitigate is never longer than time to resolve.
                i -> with(i, b -> {
                    Instant now = now();
                    b.state = Incident.State.RESOLVED;
                    b.resolvedAt = Optional.of(now);
                    b.resolvedBy = Optional.of(user);
                    b.mitigatedAt = b.mitigatedAt.or(() -> Optional.of(now));
                }));
        if (outcome.changed()) {
            escalations.resolved(outcome.incident().subject(), user);
        }
        return outcome;
    }

    public Outcome handOver(long id, String user, String newCommander) {
        return change(id, user, "COMMANDER", "<@" + newCommander + "> is the commander now", "incident.commander",
                i -> !i.open() ? "It is resolved already."
                        : i.commander().equals(newCommander) ? "<@" + newCommander + "> commands it already." : null,
                i -> with(i, b -> b.commander = newCommander));
    }

    /** Links an alert group: its history lands on the incident's timeline. */
    public Outcome link(long id, long alertGroupId, String user) {
        Incident incident = require(id);
        StoredAlertGroup group = alerts.group(alertGroupId)
                .orElseThrow(() -> new IncidentException("There is no alert group #" + alertGroupId + "."));
        boolean linked = store.link(id, alertGroupId, user, clock.millis(),
                "linked alert group #" + group.id() + ": " + group.title());
        if (!linked) {
            return Outcome.unchanged(incident, "Alert group #" + alertGroupId + " is linked already.");
        }
        audit.append(user, "incident.link", incident.subject(), Map.of("alert_group", alertGroupId));
        return Outcome.done(incident);
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    public Optional<Incident> find(long id) {
        return store.find(id);
    }

    public Incident require(long id) {
        return store.find(id).orElseThrow(() -> new IncidentException("There is no incident #" + id + "."));
    }

    public List<Incident> open() {
        return store.open();
    }

    /**
     * The open incident of {@code channel} (declared there), for commands given without an id;
     * when there are several, the message lists them so the next try can name one.
     */
    public Incident ofChannel(String channel) {
        List<Incident> here = store.openIn(channel);
        if (here.size() == 1) {
            return here.getFirst();
        }
        if (here.isEmpty()) {
            throw new IncidentException("No open incident was declared in this channel; name one with `#<id>`"
                    + " (`/ops incident list` shows them).");
        }
        throw new IncidentException("Several incidents are open here ("
                + String.join(", ", here.stream().map(i -> "#" + i.id()).toList()) + "); name one with `#<id>`.");
    }

    /** The newest incident declared in {@code channel}, resolved or not: what a postmortem there is about. */
    public Incident latestOfChannel(String channel) {
        return store.latestIn(channel).orElseThrow(() -> new IncidentException(
                "No incident was declared in this channel; name one, e.g. `/ops postmortem 12`."));
    }

    /** An alert group an incident could be declared for or linked to. */
    public StoredAlertGroup linkedGroupCandidate(long alertGroupId) {
        return alerts.group(alertGroupId).orElseThrow(() -> new IncidentException("There is no alert group #" + alertGroupId + "."));
    }

    /** The linked alert groups, in the order they were linked. */
    public List<StoredAlertGroup> linkedGroups(long id) {
        return store.links(id).stream().map(l -> alerts.group(l.alertGroupId())).flatMap(Optional::stream).toList();
    }

    public List<StoredAlert> alerts(long groupId) {
        return alerts.alerts(groupId);
    }

    public Optional<Severity> severityOf(Incident incident) {
        return config.get().severity(incident.team().orElse(null), incident.severity());
    }

    /** Who a group's alerts are credited to in the timeline: the key of the source that sent them. */
    private static String sender(StoredAlertGroup group) {
        return AlertSources.stored(group.route().source()).map(AlertSource::key)
                .orElseGet(() -> group.route().source().toLowerCase(Locale.ROOT)); // a source this version no longer has
    }

    /**
     * Everything that happened, oldest first: the incident's own events, its escalation, and
     * for each linked group its alerts firing and resolving and what people and the bot did to
     * it (acks, escalations, check runs and actions recorded against it).
     */
    public List<TimelineEntry> timeline(long id) {
        Incident incident = require(id);
        List<TimelineEntry> out = new ArrayList<>();
        for (IncidentStore.Event e : store.events(id)) {
            out.add(new TimelineEntry(Instant.ofEpochMilli(e.at()), e.actor(), e.kind(), e.text(), "incident"));
        }
        List<String> subjects = new ArrayList<>();
        subjects.add(incident.subject());
        java.util.Set<String> runbooks = new java.util.TreeSet<>();
        long from = incident.declaredAt().toEpochMilli();
        for (IncidentStore.Link link : store.links(id)) {
            String subject = Subject.alertGroup(link.alertGroupId()).toString();
            subjects.add(subject);
            String sender = alerts.group(link.alertGroupId()).map(Incidents::sender).orElse("alerts");
            for (StoredAlert a : alerts.alerts(link.alertGroupId())) {
                Optional.ofNullable(a.labels().get("runbook")).or(() -> Optional.ofNullable(a.annotations().get("runbook")))
                        .ifPresent(runbooks::add);
                from = Math.min(from, a.startsAt());
                String name = a.labels().getOrDefault("alertname", a.fingerprint());
                String summary = Optional.ofNullable(a.firedAnnotations().get("summary")).map(s -> ": " + s).orElse("");
                out.add(new TimelineEntry(Instant.ofEpochMilli(a.startsAt()), sender, "ALERT_FIRING",
                        name + " fired" + summary, subject));
                if (a.endsAt() != null && !a.firing()) {
                    out.add(new TimelineEntry(Instant.ofEpochMilli(a.endsAt()), sender, "ALERT_RESOLVED",
                            name + " resolved", subject));
                }
            }
        }
        for (IncidentStore.AuditRow row : store.auditAbout(subjects)) {
            // The incident's own changes are its events above; the audit holds them a second time.
            if (row.action().startsWith("incident.")) {
                continue;
            }
            String where = !row.subject().equals(incident.subject()) ? row.subject()
                    : row.action().startsWith("procedure.") ? "procedure" : "escalation";
            out.add(new TimelineEntry(Instant.ofEpochMilli(row.at()), row.actor(), row.action(), describe(row), where));
        }
        // Check runs and actions of the runbooks the linked alerts name, while the incident lasted:
        // they are recorded against the runbook, not the alert.
        long to = incident.resolvedAt().orElseGet(this::now).toEpochMilli();
        for (IncidentStore.AuditRow row : store.auditAboutRunbooks(runbooks, from, to)) {
            out.add(new TimelineEntry(Instant.ofEpochMilli(row.at()), row.actor(), row.action(), describe(row),
                    "runbook:" + row.subject()));
        }
        // A stable sort: entries at the same millisecond keep the order their source wrote them in.
        out.sort(Comparator.comparing(TimelineEntry::at));
        return out;
    }

    /** Open incidents quiet for longer than their level's {@code update-every}; each claimed once per quiet spell. */
    public List<Incident> claimReminders() {
        Instant now = now();
        List<Incident> due = new ArrayList<>();
        for (Incident i : store.open()) {
            var every = severityOf(i).flatMap(Severity::updateEvery);
            if (every.isEmpty() || i.remindedAt().isPresent() || i.lastUpdateAt().plus(every.get()).isAfter(now)) {
                continue;
            }
            if (store.reminded(i.id(), i.lastUpdateAt().toEpochMilli(), now.toEpochMilli())) {
                due.add(i);
            }
        }
        return due;
    }

    /** Records the incident message's outbox id; false when another flow recorded one first. */
    public boolean attachMessage(long id, long outboxId) {
        return store.attachMessage(id, outboxId);
    }

    /** Records the channel created for the incident; commands typed there need no id. */
    public boolean attachChannel(long id, String channelId) {
        return store.attachChannel(id, channelId);
    }

    public OpsbotConfig config() {
        return config.get();
    }

    // ---------------------------------------------------------------------------------------

    private Outcome change(long id, String user, String kind, String text, String action,
                           java.util.function.Function<Incident, String> refusal, UnaryOperator<Incident> next) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Incident was = require(id);
            String why = refusal.apply(was);
            if (why != null) {
                return Outcome.unchanged(was, why);
            }
            Incident after = next.apply(was);
            if (store.change(was, after, clock.millis(), user, kind, text)) {
                Map<String, Object> details = details(after);
                details.put("text", text);
                audit.append(user, action, after.subject(), details);
                return Outcome.done(after);
            }
        }
        throw new IncidentException("Incident #" + id + " is changing a lot right now; try again in a moment.");
    }

    private Instant now() {
        // Millisecond precision: what is stored is what is compared and shown.
        return Instant.ofEpochMilli(clock.millis());
    }

    private static Map<String, Object> details(Incident i) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("severity", i.severity());
        d.put("title", i.title());
        i.team().ifPresent(t -> d.put("team", t));
        d.put("commander", i.commander());
        d.put("state", i.state().name());
        return d;
    }

    /** A procedure's start, step or end, as {@code Procedures} audits it. */
    private static String procedureLine(String action, Map<String, Object> details) {
        String head = "procedure " + details.getOrDefault("procedure", "?") + " (#" + details.getOrDefault("run", "?") + ")";
        if (details.containsKey("step")) {
            return head + ", step " + details.get("step") + " " + details.getOrDefault("outcome", "") + ": "
                    + details.getOrDefault("text", "");
        }
        return head + ": " + switch (action) {
            case "procedure.start" -> "started";
            case "procedure.finish" -> "finished";
            case "procedure.cancel" -> "cancelled";
            default -> String.valueOf(details.getOrDefault("outcome", "stopped"));
        };
    }

    private static String describe(IncidentStore.AuditRow row) {
        Map<String, Object> details;
        try {
            details = JSON.readValue(row.details(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            details = Map.of();
        }
        if (row.action().startsWith("escalation.")) {
            return "escalation: " + details.getOrDefault("detail", row.action().substring("escalation.".length()));
        }
        if (row.action().startsWith("procedure.")) {
            return procedureLine(row.action(), details);
        }
        if (row.action().equals("check.run")) {
            return "checks of runbook " + row.subject() + ": " + details.getOrDefault("status", "?")
                    + Optional.ofNullable(details.get("summary")).map(s -> " — " + s).orElse("");
        }
        Optional<Long> group = Subject.idOf(row.subject(), Subject.Kind.ALERT_GROUP);
        if (row.subject().contains("/") && group.isEmpty()) {
            return row.action() + " " + row.subject() + Optional.ofNullable(details.get("request")).map(r -> " (request " + r + ")").orElse("");
        }
        String what = switch (row.action()) {
            case "alert.ack" -> "acknowledged";
            case "alert.unack" -> "unacknowledged";
            case "alert.resolve" -> "resolved";
            case "alert.snooze" -> "snoozed";
            case "alert.silence" -> "silenced";
            case "alert.unsilence" -> "removed the silence of";
            case "alert.runbook" -> "ran a runbook on";
            default -> row.action();
        };
        Object title = details.get("title");
        // A note's own words (which runbook was run) say more than its action's name.
        Object said = details.get("text");
        return what + " " + group.map(id -> "alert group #" + id).orElse(row.subject()) + (title == null ? "" : " (" + title + ")")
                + (said == null ? "" : ": " + said);
    }

    /** A mutable copy, so each change above names only the fields it sets. */
    private static final class Draft {
        String commander;
        Incident.State state;
        Optional<Instant> ackedAt;
        Optional<String> ackedBy;
        Optional<Instant> mitigatedAt;
        Optional<Instant> resolvedAt;
        Optional<String> resolvedBy;
        Instant lastUpdateAt;
        Optional<Instant> remindedAt;
    }

    @SafeVarargs
    private static Incident with(Incident i, java.util.function.Consumer<Draft>... edits) {
        Draft d = new Draft();
        d.commander = i.commander();
        d.state = i.state();
        d.ackedAt = i.ackedAt();
        d.ackedBy = i.ackedBy();
        d.mitigatedAt = i.mitigatedAt();
        d.resolvedAt = i.resolvedAt();
        d.resolvedBy = i.resolvedBy();
        d.lastUpdateAt = i.lastUpdateAt();
        d.remindedAt = i.remindedAt();
        for (var edit : edits) {
            edit.accept(d);
        }
        return new Incident(i.id(), i.severity(), i.title(), i.team(), d.commander, i.declaredBy(), d.state,
                i.originChannel(), i.channel(), i.messageId(), i.declaredAt(), d.ackedAt, d.ackedBy, d.mitigatedAt, d.resolvedAt,
                d.resolvedBy, d.lastUpdateAt, d.remindedAt);
    }
}
