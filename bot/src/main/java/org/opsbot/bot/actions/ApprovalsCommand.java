package org.opsbot.bot.actions;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.model.ActionRequest;

import java.util.ArrayList;
import java.util.List;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/**
 * {@code /ops approvals}: the action requests waiting for the caller's approval, with the same
 * Approve and Reject… buttons as the request's message, and the caller's own requests still
 * waiting. Open to everyone: each sees only what concerns them.
 */
final class ApprovalsCommand implements OpsCommand {
    // A message holds at most 50 blocks; each request takes two.
    static final int SHOWN = 10;

    private final Approvals approvals;

    ApprovalsCommand(Approvals approvals) {
        this.approvals = approvals;
    }

    @Override
    public String name() {
        return "approvals";
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public String summary() {
        return "action requests waiting for your approval, and your own that wait";
    }

    @Override
    public CommandReply handle(OpsInvocation in) throws UsageException {
        if (!in.args().isEmpty()) {
            throw new UsageException("`/ops approvals` takes no arguments: it lists what waits for you.");
        }
        List<ActionRequest> waiting = approvals.waitingFor(in.userId());
        List<ActionRequest> own = approvals.pendingOf(in.userId());
        if (waiting.isEmpty() && own.isEmpty()) {
            return CommandReply.ephemeral(":white_check_mark: No action requests wait for your approval, and none of yours wait.");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        StringBuilder fallback = new StringBuilder();
        list(blocks, fallback, "Waiting for your approval", waiting, true);
        list(blocks, fallback, "Your requests waiting for approval", own, false);
        return CommandReply.ephemeral(SlackMessage.of(fallback.toString().strip(), blocks));
    }

    private static void list(List<LayoutBlock> blocks, StringBuilder fallback, String title, List<ActionRequest> requests,
                             boolean approver) {
        if (requests.isEmpty()) {
            return;
        }
        blocks.add(header(h -> h.text(plainText(title + " (" + requests.size() + ")"))));
        fallback.append(title).append(": ").append(requests.size()).append("\n");
        for (ActionRequest r : requests.subList(0, Math.min(SHOWN, requests.size()))) {
            String text = line(r);
            blocks.add(section(s -> s.text(markdownText(SlackText.fit(text, 2_900)))));
            fallback.append("#").append(r.id()).append(" ").append(SlackText.plain(r.title(), 80)).append("\n");
            List<BlockElement> buttons = new ArrayList<>();
            if (approver) {
                buttons.add(button(b -> b.actionId(ActionMessages.APPROVE).text(plainText("Approve")).style("primary")
                        .value(ActionMessages.buttonValue(r))));
            }
            // The requester may withdraw their own request; an approver may reject it.
            buttons.add(button(b -> b.actionId(ActionMessages.REJECT).text(plainText(approver ? "Reject…" : "Withdraw…"))
                    .style("danger").value(ActionMessages.buttonValue(r))));
            blocks.add(actions(a -> a.blockId("actions.decide." + r.id()).elements(buttons)));
        }
        if (requests.size() > SHOWN) {
            blocks.add(context(c -> c.elements(List.of(markdownText("…and " + (requests.size() - SHOWN)
                    + " more, the oldest shown first.")))));
        }
    }

    /** What it would run, who asked, when, and how far its approval got. */
    static String line(ActionRequest r) {
        StringBuilder text = new StringBuilder("*#" + r.id() + " " + SlackText.escape(r.title()) + "* · "
                + SlackText.code(r.reference()));
        text.append(r.isAction() ? "\n*Runs:* " : "\n*Starts:* ").append(RequestPlans.shown(r));
        text.append("\nAsked by ").append(SlackText.user(r.requester())).append(" ").append(SlackText.date(r.createdAt()));
        text.append(r.reason().isBlank() ? "" : ": " + SlackText.person(r.reason(), 300));
        text.append("\n").append(r.approvers().size()).append(" of ").append(r.needed()).append(" approval(s) from ")
                .append(SlackText.code(r.approverRole().orElse("?")));
        r.expiresAt().ifPresent(e -> text.append(" · expires ").append(SlackText.date(e)));
        return text.toString();
    }
}
