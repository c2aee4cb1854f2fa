package org.opsbot.bot.incidents;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.Synonym;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.Decision;
import org.opsbot.commands.access.PermissionKeys;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.incident.IncidentException;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.Incident;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ops incident declare|update|ack|mitigated|resolve|commander|link|list}. The database
 * work is a few short writes, done before the ack so the answer can say what happened; the
 * messages it causes go through the outbox.
 */
final class IncidentCommand implements OpsCommand {
    static final String DECLARE_TOP = "declare-top-severity";
    private static final Pattern ID = Pattern.compile("#?(\\d{1,15})");
    private static final Pattern USER = Pattern.compile("<@([UW][A-Z0-9]+)(\\|[^>]*)?>");
    private static final String USAGE = "declare <sev> [team=<team>] <title> · update [#id] <text> · ack [#id] · "
            + "mitigated [#id] · resolve [#id] · commander [#id] <@user> · link [#id] <alert-group> · list";

    private final Incidents incidents;
    private final IncidentAnnouncer announcer;

    IncidentCommand(Incidents incidents, IncidentAnnouncer announcer) {
        this.incidents = incidents;
        this.announcer = announcer;
    }

    @Override
    public String name() {
        return "incident";
    }

    /** {@code /ops declare P2 …} is {@code /ops incident declare P2 …}. */
    @Override
    public List<Synonym> synonyms() {
        return List.of(Synonym.of("declare", "declare"));
    }

    @Override
    public String usage() {
        return USAGE;
    }

    @Override
    public String summary() {
        return "declares and runs an incident; without #id, the incident declared in this channel";
    }

    /** Anyone may declare an incident; the top severity needs a role. */
    @Override
    public PermissionKeys permissionKeys() {
        return PermissionKeys.of(DECLARE_TOP);
    }

    @Override
    public CommandReply handle(OpsInvocation in) throws UsageException {
        if (in.args().isEmpty()) {
            throw new UsageException("What about incidents? e.g. `/ops incident declare P2 team=cdc Checkout is slow`.");
        }
        String verb = in.args().getFirst().toLowerCase(java.util.Locale.ROOT);
        List<String> rest = in.args().subList(1, in.args().size());
        try {
            return switch (verb) {
                case "declare" -> declare(in, rest);
                case "update" -> update(in, rest);
                case "ack", "acknowledge" -> done(incidents.acknowledge(target(in, rest).id(), in.userId()), in,
                        i -> ":white_check_mark: " + SlackText.user(in.userId()) + " acknowledged " + IncidentMessages.ref(i) + ".");
                case "mitigated", "mitigate" -> done(incidents.mitigate(target(in, rest).id(), in.userId()), in,
                        i -> ":adhesive_bandage: " + SlackText.user(in.userId()) + " marked " + IncidentMessages.ref(i) + " mitigated.");
                case "resolve" -> done(incidents.resolve(target(in, rest).id(), in.userId()), in,
                        i -> ":large_green_circle: " + SlackText.user(in.userId()) + " resolved " + IncidentMessages.ref(i)
                                + ". Write it up: `/ops postmortem " + i.id() + "`.");
                case "commander" -> commander(in, rest);
                case "link" -> link(in, rest);
                case "list" -> list();
                default -> throw new UsageException(SlackText.code(verb, 40) + " is not an incident command.");
            };
        } catch (IncidentException e) {
            // The engine's words, which may repeat what was typed.
            return CommandReply.ephemeral(":warning: " + SlackText.escape(e.getMessage()));
        }
    }

    private CommandReply declare(OpsInvocation in, List<String> rest) throws UsageException {
        if (rest.isEmpty()) {
            throw new UsageException("Say the severity and a title, e.g. `declare P2 team=cdc Checkout is slow`.");
        }
        Optional<String> team = Optional.empty();
        int titleFrom = 1;
        if (rest.size() > 1 && rest.get(1).startsWith("team=")) {
            team = Optional.of(rest.get(1).substring("team=".length()));
            titleFrom = 2;
        }
        // A team with its own levels is declared in them; its top level is the one that needs a role.
        Severity severity = incidents.severity(team, rest.getFirst());
        String title = String.join(" ", rest.subList(Math.min(titleFrom, rest.size()), rest.size()));
        if (title.isBlank()) {
            throw new UsageException("Give the incident a title: what is broken, as users see it.");
        }
        if (incidents.isTopSeverity(team, severity)) {
            Decision decision = in.decide(DECLARE_TOP);
            if (decision instanceof Decision.Denied denied) {
                return CommandReply.ephemeral(":no_entry: You may not declare a " + SlackText.escape(severity.name()) + ": "
                        + SlackText.escape(denied.reason())
                        + " Declare a lower severity, or ask someone who may.");
            }
        }
        Incident incident = incidents.declare(severity, team, title, in.userId(), Optional.of(in.channelId()), Optional.empty());
        announcer.declared(incident);
        return CommandReply.inChannel(org.opsbot.bot.outbox.SlackMessage.text(":rotating_light: " + SlackText.user(in.userId())
                + " declared " + SlackText.escape(severity.name()) + " " + IncidentMessages.ref(incident) + " and commands it."
                + (incidents.pages(incident.team(), severity.name()) && incident.team().isPresent()
                        ? " Paging team *" + SlackText.escape(incident.team().get()) + "*." : "")
                + "\nUpdates: " + SlackText.code("/ops incident update <text>") + " here."));
    }

    private CommandReply update(OpsInvocation in, List<String> rest) throws UsageException {
        Optional<Long> id = rest.isEmpty() ? Optional.empty() : id(rest.getFirst());
        List<String> words = id.isPresent() ? rest.subList(1, rest.size()) : rest;
        if (words.isEmpty()) {
            throw new UsageException("Say what changed, e.g. `update #12 Failover done, watching error rates`.");
        }
        Incident target = id.map(incidents::require).orElseGet(() -> incidents.ofChannel(in.channelId()));
        String text = skipWords(in.argsText(), in.args().size() - words.size());
        Incidents.Outcome outcome = incidents.update(target.id(), in.userId(), text);
        if (!outcome.changed()) {
            return CommandReply.ephemeral(":information_source: " + SlackText.person(outcome.why()));
        }
        // A person's free text: whom they mention stays mentioned, nothing else is markup.
        announcer.updated(outcome.incident(), ":memo: Update from " + SlackText.user(in.userId()) + ": " + SlackText.person(text, 2500));
        return CommandReply.inChannel(org.opsbot.bot.outbox.SlackMessage.text(":memo: " + IncidentMessages.ref(outcome.incident())
                + " · " + SlackText.user(in.userId()) + ": " + SlackText.person(text, 2500)));
    }

    private CommandReply commander(OpsInvocation in, List<String> rest) throws UsageException {
        Optional<Long> id = rest.isEmpty() ? Optional.empty() : id(rest.getFirst());
        List<String> words = id.isPresent() ? rest.subList(1, rest.size()) : rest;
        Matcher user = words.size() == 1 ? USER.matcher(words.getFirst()) : null;
        if (user == null || !user.matches()) {
            throw new UsageException("Name the new commander, e.g. `commander #12 @ann`.");
        }
        Incident target = id.map(incidents::require).orElseGet(() -> incidents.ofChannel(in.channelId()));
        String to = user.group(1);
        return done(incidents.handOver(target.id(), in.userId(), to), in,
                i -> ":arrows_counterclockwise: " + SlackText.user(to) + " commands " + IncidentMessages.ref(i) + " now (handed over by "
                        + SlackText.user(in.userId()) + ").");
    }

    private CommandReply link(OpsInvocation in, List<String> rest) throws UsageException {
        List<Long> ids = new ArrayList<>();
        for (String word : rest) {
            ids.add(id(word).orElseThrow(() -> new UsageException(SlackText.code(word, 40) + " is not an id.")));
        }
        if (ids.isEmpty() || ids.size() > 2) {
            throw new UsageException("Say which alert group, e.g. `link #12 7` (incident 12, alert group 7) or `link 7` here.");
        }
        Incident target = ids.size() == 2 ? incidents.require(ids.getFirst()) : incidents.ofChannel(in.channelId());
        long group = ids.getLast();
        return done(incidents.link(target.id(), group, in.userId()), in,
                i -> ":link: Alert group `" + group + "` is linked to " + IncidentMessages.ref(i)
                        + ": what happens to it lands on the incident's timeline.");
    }

    private CommandReply list() {
        List<Incident> open = incidents.open();
        if (open.isEmpty()) {
            return CommandReply.ephemeral(":white_check_mark: No open incidents.");
        }
        StringBuilder text = new StringBuilder("*Open incidents*");
        for (Incident i : open.subList(0, Math.min(open.size(), 40))) {
            text.append("\n• `#").append(i.id()).append("` ").append(i.severity()).append(" · ")
                    .append(SlackText.plain(i.title(), 80)).append(" · commander ").append(SlackText.user(i.commander()))
                    .append(i.ackedBy().isPresent() ? " · acked" : " · *not acked*")
                    .append(" · since ").append(SlackText.date(i.declaredAt()));
        }
        if (open.size() > 40) {
            text.append("\n…and ").append(open.size() - 40).append(" more.");
        }
        return CommandReply.ephemeral(text.toString());
    }

    private Incident target(OpsInvocation in, List<String> rest) throws UsageException {
        if (rest.size() > 1) {
            throw new UsageException("Give at most the incident's id, e.g. `#12`.");
        }
        if (rest.isEmpty()) {
            return incidents.ofChannel(in.channelId());
        }
        long id = id(rest.getFirst()).orElseThrow(() -> new UsageException(SlackText.code(rest.getFirst(), 40)
                + " is not an incident id like `#12`."));
        return incidents.require(id);
    }

    private CommandReply done(Incidents.Outcome outcome, OpsInvocation in, java.util.function.Function<Incident, String> said) {
        if (!outcome.changed()) {
            return CommandReply.ephemeral(":information_source: " + SlackText.person(outcome.why()));
        }
        String text = said.apply(outcome.incident());
        announcer.updated(outcome.incident(), text);
        return CommandReply.inChannel(org.opsbot.bot.outbox.SlackMessage.text(text));
    }

    private static Optional<Long> id(String word) {
        Matcher m = ID.matcher(word);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    /** The free text as typed (spacing kept), after its first {@code n} words. */
    private static String skipWords(String text, int n) {
        int at = 0;
        for (int w = 0; w < n; w++) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
        return text.substring(at).strip();
    }
}
