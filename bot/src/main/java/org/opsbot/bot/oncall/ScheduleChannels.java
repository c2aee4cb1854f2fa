package org.opsbot.bot.oncall;

import org.opsbot.commands.config.NotifyTarget;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;

import java.util.List;

/** The teams a schedule serves (their escalation pages it) and where to tell them. */
final class ScheduleChannels {
    private ScheduleChannels() {
    }

    static List<Team> teams(OpsbotConfig config, Schedule schedule) {
        return config.teams().values().stream()
                .filter(team -> team.escalation().tiers().stream().flatMap(t -> t.targets().stream())
                        .anyMatch(t -> t.kind() == NotifyTarget.Kind.SCHEDULE && t.id().equals(schedule.name())))
                .toList();
    }

    /** Those teams' channels; without any, the default channel; without that, none. */
    static List<String> of(OpsbotConfig config, Schedule schedule) {
        List<String> out = teams(config, schedule).stream().flatMap(t -> t.channel().stream()).distinct().toList();
        return out.isEmpty() ? config.slack().defaultChannel().stream().toList() : out;
    }
}
