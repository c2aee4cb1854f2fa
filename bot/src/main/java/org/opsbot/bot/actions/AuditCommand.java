package org.opsbot.bot.actions;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.audit.AuditEntry;
import org.opsbot.commands.audit.AuditLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/** {@code /ops audit [n]}: the newest entries, newest first, only for the caller. */
final class AuditCommand implements OpsCommand {
    static final String PERMISSION = "audit";
    static final int DEFAULT = 10;
    static final int MAX = 50;

    private final AuditLog audit;

    AuditCommand(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public String usage() {
        return "[n]";
    }

    @Override
    public String summary() {
        return "the last n audit entries (who did what, when); 10 by default, at most 50";
    }

    @Override
    public Optional<String> permission() {
        return Optional.of(PERMISSION);
    }

    @Override
    public CommandReply handle(OpsInvocation inv) throws UsageException {
        int n = DEFAULT;
        if (!inv.args().isEmpty()) {
            try {
                n = Integer.parseInt(inv.args().get(0));
            } catch (NumberFormatException e) {
                throw new UsageException(SlackText.code(inv.args().get(0), 40) + " is not a number of entries.");
            }
            if (n < 1 || n > MAX) {
                throw new UsageException("Ask for 1 to " + MAX + " entries; `opsbot audit export` has them all.");
            }
        }
        // One indexed read of at most 50 rows: fast enough to answer in the ack.
        List<AuditEntry> entries = audit.latest(n);
        if (entries.isEmpty()) {
            return CommandReply.ephemeral("The audit log is empty.");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        StringBuilder fallback = new StringBuilder("Audit log, newest first:");
        for (AuditEntry e : entries) {
            String line = SlackText.date(e.at()) + " " + SlackText.user(e.actor()) + " *" + SlackText.escape(e.action()) + "* "
                    + SlackText.code(e.subject()) + summary(e.details());
            fallback.append('\n').append(e.at()).append(' ').append(SlackText.escape(e.actor())).append(' ')
                    .append(SlackText.escape(e.action())).append(' ').append(SlackText.escape(e.subject()));
            if (chunk.length() + line.length() + 1 > 2_900) {
                String text = chunk.toString();
                blocks.add(section(s -> s.text(markdownText(text))));
                chunk.setLength(0);
            }
            chunk.append(chunk.isEmpty() ? "" : "\n").append(SlackText.fit(line, 2_900));
        }
        String text = chunk.toString();
        blocks.add(section(s -> s.text(markdownText(text))));
        blocks.add(context(c -> c.elements(List.of(markdownText("Newest first · " + entries.size()
                + " entries · all of them: `opsbot audit export`; check the chain: `opsbot audit verify`")))));
        return CommandReply.ephemeral(SlackMessage.of(SlackText.fit(fallback.toString(), 3_000), blocks));
    }

    private static String summary(Map<String, Object> details) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("request", "reason", "outcome", "result", "summary", "status")) {
            Object v = details.get(key);
            if (v != null && !v.toString().isBlank()) {
                parts.add(key.equals("request") ? "#" + SlackText.escape(v.toString()) : SlackText.plain(v.toString(), 120));
            }
        }
        return parts.isEmpty() ? "" : " — " + String.join(" · ", parts);
    }
}
