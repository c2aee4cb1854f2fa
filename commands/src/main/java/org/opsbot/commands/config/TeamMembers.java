package org.opsbot.commands.config;

import org.opsbot.commands.access.GroupDirectory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who belongs to a team, the one answer to "my teams" (the App Home, a command's default team).
 * A person belongs to a team when they are in its {@code responders} role, a member of a
 * schedule its tiers notify, named in its tiers (directly or through a user group), or listed
 * under its {@code members:}. User groups count as far as their members are known (they are
 * read from Slack in the background); an unknown group adds nobody rather than waiting.
 */
public final class TeamMembers {
    private final Supplier<OpsbotConfig> config;
    private final GroupDirectory groups;

    public TeamMembers(OpsbotConfig config, GroupDirectory groups) {
        this(() -> config, groups);
    }

    /** @param config read at each question: the configuration in force */
    public TeamMembers(Supplier<OpsbotConfig> config, GroupDirectory groups) {
        this.config = config;
        this.groups = groups;
    }

    /** The teams {@code userId} belongs to, in the order opsbot.yaml lists them. */
    public List<Team> of(String userId) {
        return config.get().teams().values().stream().filter(t -> belongs(userId, t)).toList();
    }

    /** The caller's team when they belong to exactly one: what an optional {@code [team]} defaults to. */
    public Optional<String> soleTeam(String userId) {
        List<Team> teams = of(userId);
        return teams.size() == 1 ? Optional.of(teams.getFirst().name()) : Optional.empty();
    }

    public boolean belongs(String userId, Team team) {
        return members(team).contains(userId);
    }

    /** Everyone known to belong to {@code team}, in the order they were found. */
    public Set<String> members(Team team) {
        Set<String> out = new LinkedHashSet<>();
        List<String> named = new ArrayList<>(team.members());
        team.responders().map(r -> config.get().roles().getOrDefault(r, List.of())).ifPresent(named::addAll);
        for (Tier tier : team.escalation().tiers()) {
            for (NotifyTarget target : tier.targets()) {
                switch (target.kind()) {
                    case USER, USER_GROUP -> named.add(target.id());
                    case SCHEDULE -> Optional.ofNullable(config.get().schedules().get(target.id()))
                            .ifPresent(s -> out.addAll(s.members()));
                }
            }
        }
        for (String who : named) {
            if (who.startsWith("@") || who.startsWith("S")) {
                groups.members(who.startsWith("@") ? who.substring(1) : who).ifPresent(out::addAll);
            } else {
                out.add(who);
            }
        }
        return out;
    }

    /** For {@code /ops help} and messages: how membership is decided. */
    public static final String RULE = "You belong to a team when you are in its responders role, on a schedule"
            + " its escalation tiers use, named in its tiers, or listed under its `members:` in opsbot.yaml.";
}
