package org.opsbot.commands.escalation;

import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.config.BusinessHours;
import org.opsbot.commands.config.NotifyTarget;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Duration;
import java.time.Instant;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who each tier of a team's escalation policy would notify at an instant: the answer to
 * {@code /ops oncall} and {@code opsbot oncall}, and what an escalation pages.
 */
public final class OnCallRoster {
    private OnCallRoster() {
    }

    /**
     * One tier at one instant.
     *
     * @param people        whom it notifies, each with how they got there
     * @param notApplicable why the tier would be passed over now (outside its hours, another
     *                      severity), or empty when it applies
     */
    public record TierOnCall(int number, String name, Duration after, Tier tier, List<Person> people,
                             List<String> unresolved, Optional<String> notApplicable, Optional<Instant> nobodyUntil) {

        /** Without {@code nobodyUntil}: when the tier reaches nobody, until when is not known. */
        public TierOnCall(int number, String name, Duration after, Tier tier, List<Person> people,
                          List<String> unresolved, Optional<String> notApplicable) {
            this(number, name, after, tier, people, unresolved, notApplicable, Optional.empty());
        }
    }

    /** How far ahead the end of a schedule's gap is looked for. */
    private static final Duration GAP_LOOKAHEAD = Duration.ofDays(28);

    /** A person a tier notifies; {@code shift} is set when a schedule put them there. */
    public record Person(String userId, String via, Optional<Shift> shift) {
    }

    /**
     * @param severity when present, tiers limited to other severities are marked not applicable;
     *                 when absent (a general "who is on call"), they are listed with their limit
     */
    public static List<TierOnCall> of(Team team, Map<String, Schedule> schedules, List<OnCallOverride> overrides,
                                      GroupDirectory groups, Optional<String> severity, Instant at) {
        return of(team, schedules, overrides, groups, severity, Optional.empty(), at);
    }

    /**
     * @param labels when present, the label sets of what is escalated (one per alert): tiers whose
     *               {@code match:} none of them satisfies are marked not applicable; when absent,
     *               they are listed with their limit
     */
    public static List<TierOnCall> of(Team team, Map<String, Schedule> schedules, List<OnCallOverride> overrides,
                                      GroupDirectory groups, Optional<String> severity,
                                      Optional<List<Map<String, String>>> labels, Instant at) {
        List<TierOnCall> roster = new ArrayList<>();
        int number = 1;
        for (Tier tier : team.escalation().tiers()) {
            List<Person> people = new ArrayList<>();
            List<String> unresolved = new ArrayList<>();
            Optional<Instant> gapEnds = Optional.empty();
            for (NotifyTarget target : tier.targets()) {
                switch (target.kind()) {
                    case USER -> people.add(new Person(target.id(), "named in the policy", Optional.empty()));
                    case USER_GROUP -> {
                        String handle = target.id().startsWith("@") ? target.id().substring(1) : target.id();
                        Optional<java.util.Set<String>> members = groups.members(handle);
                        if (members.isEmpty()) {
                            unresolved.add("members of " + target.id() + " are not known yet");
                        } else if (members.get().isEmpty()) {
                            unresolved.add(target.id() + " has no members");
                        } else {
                            members.get().stream().sorted()
                                    .forEach(u -> people.add(new Person(u, "member of @" + handle, Optional.empty())));
                        }
                    }
                    case SCHEDULE -> {
                        Schedule schedule = schedules.get(target.id());
                        Optional<Shift> shift = schedule == null ? Optional.empty() : Rotation.at(schedule, overrides, at);
                        if (shift.isEmpty()) {
                            unresolved.add("schedule " + target.id() + " has nobody on call");
                            if (schedule != null) {
                                Optional<Instant> end = Rotation.gaps(schedule, overrides, at, at.plus(GAP_LOOKAHEAD)).stream()
                                        .findFirst().map(Rotation.Gap::until).filter(u -> u.isBefore(at.plus(GAP_LOOKAHEAD)));
                                gapEnds = end.isPresent() && (gapEnds.isEmpty() || end.get().isBefore(gapEnds.get()))
                                        ? end : gapEnds;
                            }
                        } else {
                            String via = shift.get().override().isPresent()
                                    ? "override of schedule " + target.id() + " by " + shift.get().override().get().createdBy()
                                    : "schedule " + target.id();
                            people.add(new Person(shift.get().user(), via, shift));
                        }
                    }
                }
            }
            roster.add(new TierOnCall(number++, tier.name(), tier.after(), tier, dedupe(people), unresolved,
                    notApplicable(tier, severity, labels, at), people.isEmpty() ? gapEnds : Optional.empty()));
        }
        return roster;
    }

    private static List<Person> dedupe(List<Person> people) {
        Map<String, Person> first = new java.util.LinkedHashMap<>();
        people.forEach(p -> first.putIfAbsent(p.userId(), p));
        return List.copyOf(first.values());
    }

    private static Optional<String> notApplicable(Tier tier, Optional<String> severity,
                                                  Optional<List<Map<String, String>>> labels, Instant at) {
        if (severity.isPresent() && !tier.appliesTo(severity.get())) {
            return Optional.of("only for " + String.join(", ", tier.severities().stream().sorted().toList()));
        }
        if (labels.isPresent() && !tier.match().isEmpty() && labels.get().stream().noneMatch(tier.match()::matches)) {
            return Optional.of("only for alerts labelled " + tier.match().describe());
        }
        if (tier.hours().isPresent() && !tier.hours().get().contains(at.atZone(tier.hours().get().timeZone()))) {
            return Optional.of("outside its hours (" + describe(tier.hours().get()) + ")");
        }
        return Optional.empty();
    }

    /** {@code Mon–Fri 09:00–18:00 Europe/Berlin}, for messages. */
    public static String describe(BusinessHours hours) {
        return days(hours.days()) + " " + hours.from() + "–" + hours.to() + " " + hours.timeZone().getId();
    }

    /** Runs of three or more days read as a range: Mon–Fri, Sat,Sun. */
    static String days(java.util.Set<java.time.DayOfWeek> days) {
        List<java.time.DayOfWeek> sorted = days.stream().sorted().toList();
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1).getValue() == sorted.get(j).getValue() + 1) {
                j++;
            }
            if (j - i >= 2) {
                parts.add(shortName(sorted.get(i)) + "–" + shortName(sorted.get(j)));
            } else {
                for (int k = i; k <= j; k++) {
                    parts.add(shortName(sorted.get(k)));
                }
            }
            i = j + 1;
        }
        return String.join(",", parts);
    }

    private static String shortName(java.time.DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }
}
