package org.opsbot.bot.alerts;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.Synonym;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code /ops ack|unack|resolve|escalate|snooze|silence <id> …}: the buttons, typed. */
final class AlertCommand implements OpsCommand {
    private final String name;
    private final String usage;
    private final String summary;
    private final AlertActions.Kind kind;
    private final AlertActions actions;

    private final List<Synonym> synonyms;

    AlertCommand(String name, String usage, String summary, AlertActions.Kind kind, AlertActions actions, Synonym... synonyms) {
        this.synonyms = List.of(synonyms);
        this.name = name;
        this.usage = usage;
        this.summary = summary;
        this.kind = kind;
        this.actions = actions;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Synonym> synonyms() {
        return synonyms;
    }

    @Override
    public String usage() {
        return usage;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) throws UsageException {
        if (invocation.args().isEmpty()) {
            throw new UsageException("Which alert group? Its id is on the alert message and in `/ops alerts`.");
        }
        long id = groupId(invocation.args().getFirst());
        Optional<String> arg = Optional.empty();
        if (kind == AlertActions.Kind.SNOOZE || kind == AlertActions.Kind.SILENCE) {
            if (invocation.args().size() != 2) {
                throw new UsageException("Say for how long, e.g. `" + name + " " + id + " 1h`.");
            }
            Duration d;
            try {
                d = Durations.parse(invocation.args().get(1));
            } catch (IllegalArgumentException e) {
                throw new UsageException(SlackText.escape(e.getMessage()));
            }
            if (d.isZero()) {
                throw new UsageException("A " + name + " of no time does nothing; give e.g. 30m or 4h.");
            }
            arg = Optional.of(d.toString());
        } else if (kind == AlertActions.Kind.ESCALATE) {
            String reason = invocation.argsText().substring(invocation.args().getFirst().length()).strip();
            arg = reason.isEmpty() ? Optional.empty() : Optional.of(reason);
        } else if (invocation.args().size() > 1) {
            throw new UsageException("`" + name + "` takes only the group's id.");
        }
        Optional<String> finalArg = arg;
        if (kind == AlertActions.Kind.SILENCE) {
            // Calls Alertmanager, which may be slow: answer Slack now, report when it is done.
            invocation.executor().execute(() -> actions.perform(kind, id, invocation.userId(), invocation.userName(), finalArg)
                    .message().ifPresent(m -> invocation.outbox().ephemeral(invocation.channelId(), invocation.userId(),
                            org.opsbot.bot.outbox.SlackMessage.text(m))));
            return CommandReply.ephemeral("Silencing alert group `" + id + "` in Alertmanager…");
        }
        AlertActions.Outcome outcome = actions.perform(kind, id, invocation.userId(), invocation.userName(), finalArg);
        return CommandReply.ephemeral(outcome.message().orElse(":white_check_mark: Done."));
    }

    static long groupId(String text) throws UsageException {
        String digits = text.startsWith("#") ? text.substring(1) : text;
        try {
            long id = Long.parseLong(digits);
            if (id <= 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new UsageException(SlackText.code(text, 30) + " is not an alert group id; ids are numbers such as `12`.");
        }
    }
}
