package org.opsbot.bot.procedures;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.InvalidParameters;
import org.opsbot.commands.procedure.Procedures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /ops procedure [<runbook>/<name> [name=value …] [incident=<id>]]}: lists the procedures,
 * or starts one. The values are checked before the ack; the start and the steps run on the
 * executor.
 */
final class ProcedureCommand implements OpsCommand {
    /** Starting a procedure may run actions: the same permission as {@code /ops run}. */
    static final String PERMISSION = "run";
    static final String INCIDENT = "incident";
    private static final Pattern INCIDENT_ID = Pattern.compile("#?([1-9]\\d{0,17})");

    private final ProceduresFeature feature;

    ProcedureCommand(ProceduresFeature feature) {
        this.feature = feature;
    }

    @Override
    public String name() {
        return "procedure";
    }

    @Override
    public String usage() {
        return "[<runbook>/<name> [name=value …] [incident=<id>]]";
    }

    @Override
    public String summary() {
        return "runs a runbook procedure (manual, check and action steps) in one living message; alone, lists them";
    }

    @Override
    public Optional<String> permission() {
        return Optional.of(PERMISSION);
    }

    /** The words after the reference: {@code name=value} pairs, {@code incident=<id>} among them. */
    record Parsed(String reference, Map<String, String> values, Optional<Long> incident) {
    }

    static Parsed parse(List<String> args) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        Optional<Long> incident = Optional.empty();
        for (String word : args.subList(1, args.size())) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(SlackText.code(word) + " is not a " + SlackText.code("name=value") + " pair.");
            }
            String name = word.substring(0, eq);
            String value = word.substring(eq + 1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
            if (name.equals(INCIDENT)) {
                var m = INCIDENT_ID.matcher(value);
                if (!m.matches()) {
                    throw new UsageException(SlackText.code("incident=") + " takes an incident number, e.g. "
                            + SlackText.code("incident=12") + ".");
                }
                incident = Optional.of(Long.parseLong(m.group(1)));
            } else if (values.put(name, value) != null) {
                throw new UsageException(SlackText.code(name) + " is given twice.");
            }
        }
        return new Parsed(args.get(0), values, incident);
    }

    @Override
    public CommandReply handle(OpsInvocation inv) throws UsageException {
        if (inv.args().isEmpty()) {
            return CommandReply.ephemeral(ProcedureMessages.list(feature.procedures().all()));
        }
        Parsed p = parse(inv.args());
        Procedures.Target target;
        try {
            target = feature.procedures().find(p.reference());
            feature.procedures().validate(target, p.values());
        } catch (InvalidParameters e) {
            return CommandReply.ephemeral(":warning: " + String.join("\n", e.problems().stream().map(SlackText::escape).toList()));
        }
        inv.executor().execute(() -> feature.start(target, p.values(), inv.userId(), inv.channelId(), p.incident()));
        return CommandReply.ephemeral("Starting " + SlackText.plain(target.procedure().title(), 150) + "…");
    }
}
