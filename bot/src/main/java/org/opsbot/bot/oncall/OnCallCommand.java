package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.Synonym;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.yaml.Suggestions;

import java.util.function.Supplier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/** {@code /ops oncall [team] [at <time>]}: who each tier would notify, now or at a time. */
final class OnCallCommand implements OpsCommand {
    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final GroupDirectory groups;
    private final UserTimeZones zones;
    private final Clock clock;

    OnCallCommand(Supplier<OpsbotConfig> config, Overrides overrides, GroupDirectory groups, UserTimeZones zones, Clock clock) {
        this.config = config;
        this.overrides = overrides;
        this.groups = groups;
        this.zones = zones;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "oncall";
    }

    @Override
    public List<Synonym> synonyms() {
        return List.of(Synonym.of("who"), Synonym.of("whoisoncall"));
    }

    @Override
    public String usage() {
        return "[team|all] [at <time>]";
    }

    @Override
    public String summary() {
        return "who is on call at each tier, now or at a time (a dry run of who would be paged)";
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        List<String> args = invocation.args();
        int at = args.indexOf("at");
        List<String> teamArgs = at < 0 ? args : args.subList(0, at);
        if (teamArgs.size() > 1) {
            throw new UsageException("Name one team, or `all` for every team; with none, your own team if you belong to exactly one.");
        }
        Optional<String> named = teamArgs.stream().findFirst();
        Optional<String> chosen = invocation.teamOr(named);
        List<Team> teams = chosen.isEmpty() ? List.copyOf(config.get().teams().values()) : List.of(team(chosen.get()));
        Instant now = clock.instant();
        Instant when = now;
        String zoneNote = "";
        if (at >= 0) {
            if (at == args.size() - 1) {
                throw new UsageException("At what time? Try " + When.FORMATS + ".");
            }
            Optional<ZoneId> zone = zones.of(invocation.userId());
            ZoneId readIn = zone.orElse(ZoneOffset.UTC);
            if (zone.isEmpty()) {
                zoneNote = " (read as UTC: your Slack time zone was not at hand)";
            }
            try {
                when = When.parse(String.join(" ", args.subList(at + 1, args.size())), readIn, now);
            } catch (IllegalArgumentException e) {
                // When's words repeat what was typed.
                throw new UsageException(SlackText.escape(e.getMessage()));
            }
        }
        return CommandReply.ephemeral(message(teams, when, now, zoneNote));
    }

    private Team team(String name) throws UsageException {
        Team team = config.get().teams().get(name);
        if (team == null) {
            String hint = Suggestions.closest(name, config.get().teams().keySet()).map(t -> " Did you mean " + SlackText.code(t) + "?")
                    .orElse(" Teams: " + String.join(", ", config.get().teams().keySet().stream().map(SlackText::code).toList()) + ".");
            throw new UsageException("There is no team " + SlackText.code(name, 40) + "." + hint);
        }
        return team;
    }

    private SlackMessage message(List<Team> teams, Instant when, Instant now, String zoneNote) {
        OnCallText text = OnCallText.slack();
        boolean later = when.isAfter(now.plusSeconds(60));
        String heading = later ? "On call at " + text.time(when) + zoneNote : "On call now";
        var active = overrides.endingAfter(when);
        List<com.slack.api.model.block.LayoutBlock> blocks = new ArrayList<>();
        StringBuilder fallback = new StringBuilder(heading);
        for (Team team : teams) {
            List<String> lines = text.tiers(OnCallRoster.of(team, config.get().schedules(), active, groups, Optional.empty(), when));
            String body = "*" + SlackText.escape(team.name()) + "*\n" + String.join("\n", lines);
            blocks.add(section(s -> s.text(markdownText(body))));
            fallback.append("\n").append(OnCallText.plain(body));
        }
        if (teams.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("_No teams are configured in opsbot.yaml._"))));
            fallback.append(": no teams are configured");
        }
        String footer = heading + (later ? " · a dry run: nobody is paged" : "")
                + " · overrides: " + SlackText.code("/ops override <team> <@user> <duration>");
        blocks.add(0, context(c -> c.elements(List.of(markdownText(footer)))));
        return SlackMessage.of(fallback.toString(), blocks);
    }
}
