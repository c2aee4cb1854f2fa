package org.opsbot.bot.actions;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.view.View;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.ConfirmDialog;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.ActionResult;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.runbook.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;
import static org.opsbot.bot.slack.text.SlackText.code;
import static org.opsbot.bot.slack.text.SlackText.escape;
import static org.opsbot.bot.slack.text.SlackText.user;

/**
 * The messages and modals of actions, written to be read on a phone at 3 a.m.: what, who, why
 * first; the exact request or command in code; times in the reader's zone.
 */
final class ActionMessages {
    static final String APPROVE = "action.approve";
    static final String REJECT = "action.reject";
    static final String BREAK_GLASS = "action.break-glass";
    /** The Run… button: opens the form of the action its value names. */
    static final String OPEN = "action.open";
    /** The Run… form: submitting it requests the action. */
    static final String PARAMS_VIEW = "action.request";
    static final String REJECT_VIEW = "action.confirm-reject";
    static final String BREAK_GLASS_VIEW = "action.confirm-break-glass";
    /**
     * The ids before they were named {@code feature.verb}. Requests posted before then, and forms
     * opened before then, still carry them until they are decided, so they stay routed.
     */
    static final Map<String, String> LEGACY_IDS = Map.of(
            "actions.approve", APPROVE,
            "actions.reject", REJECT,
            "actions.breakglass", BREAK_GLASS,
            "actions.open", OPEN,
            "actions.params", PARAMS_VIEW,
            "actions.reject-reason", REJECT_VIEW,
            "actions.breakglass-reason", BREAK_GLASS_VIEW);
    static final String REASON_BLOCK = "reason";
    /** How a schedule is named as the requester: {@code schedule:<cron>} ({@code Schedule.actor()}). */
    private static final String SCHEDULE_ACTOR = "schedule:";
    static final String VALUE = "value";
    static final String PARAM_BLOCK = "param:";

    private ActionMessages() {
    }

    /** The request message in the team channel, in whatever state the request is in. */
    static SlackMessage request(ActionRequest r) {
        return request(r, false);
    }

    /** @param offerBreakGlass whether a waiting request shows a Break glass… button */
    static SlackMessage request(ActionRequest r, boolean offerBreakGlass) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String head = switch (r.state()) {
            case PENDING -> r.breakGlass() ? ":rotating_light: *Break glass:* " : ":raising_hand: *Approval needed:* ";
            case RUNNING -> ":hourglass_flowing_sand: *Running:* ";
            case SUCCEEDED -> ":white_check_mark: *Done:* ";
            case FAILED -> ":x: *Failed:* ";
            case INTERRUPTED -> ":warning: *Interrupted:* ";
            case REJECTED -> r.withdrawn() ? ":no_entry_sign: *Withdrawn:* " : ":no_entry: *Rejected:* ";
            case EXPIRED -> ":hourglass: *Expired:* ";
        };
        StringBuilder text = new StringBuilder();
        String breaker = r.decidedBy().filter(b -> r.breakGlass()).orElse(r.requester());
        boolean asked = !r.breakGlass() || !breaker.equals(r.requester());
        if (r.breakGlass()) {
            text.append(":rotating_light: *BREAK GLASS* — ").append(user(breaker))
                    .append(" runs ").append(code(r.reference())).append(" *without approval*");
            if (asked) {
                text.append(": ").append(SlackText.person(r.decisionNote().orElse("")));
            }
            text.append("\n");
        }
        text.append(head).append(escape(r.title()));
        if (r.requester().startsWith(SCHEDULE_ACTOR)) {
            text.append("\n:calendar: Run by schedule ").append(code(r.requester().substring(SCHEDULE_ACTOR.length())))
                    .append(" of ").append(code(r.reference())).append(", without approval: the schedule is reviewed in Git");
        } else if (asked) {
            text.append("\n").append(user(r.requester())).append(r.isAction() ? " asks to run " + code(r.reference())
                    : " asks for " + escape(r.title()));
        }
        text.append(r.isAction() ? "\n*Runs:* " : "\n*Starts:* ").append(RequestPlans.shown(r));
        text.append("\n*Why:* ").append(r.reason().isBlank() ? "(no reason given)" : SlackText.person(r.reason()));
        blocks.add(section(s -> s.text(markdownText(SlackText.fit(text.toString(), 2_900)))));

        List<String> facts = new ArrayList<>();
        if (!r.approvers().isEmpty()) {
            facts.add("Approved by " + String.join(", ", r.approvers().stream().map(SlackText::user).toList())
                    + (r.needed() > 1 ? " (" + r.approvers().size() + " of " + r.needed() + ")" : ""));
        }
        switch (r.state()) {
            case PENDING -> {
                if (!r.breakGlass()) {
                    facts.add("Needs " + (r.needed() == 1 ? "1 approval" : r.needed() + " approvals from different people")
                            + " from " + code(r.approverRole().orElse("?")) + ", not the requester");
                    r.expiresAt().ifPresent(e -> facts.add("Expires " + SlackText.date(e)));
                }
            }
            case RUNNING -> r.startedAt().ifPresent(t -> facts.add("Started " + SlackText.date(t)));
            case SUCCEEDED, FAILED -> facts.add(SlackText.dated(r.outcome().orElse("")) + r.finishedAt().map(t -> " · " + SlackText.date(t)).orElse(""));
            case INTERRUPTED -> facts.add("The bot stopped while this ran; it was *not* run again. Check the target before asking again.");
            case REJECTED -> facts.add(r.withdrawn()
                    ? "Withdrawn by " + r.decidedBy().map(SlackText::user).orElse("?")
                    + r.finishedAt().map(t -> " " + SlackText.date(t)).orElse("") + ": "
                    + SlackText.escape(r.decisionNote().orElse("what asked for it was called off")) + "; it will not run"
                    : "Rejected by " + r.decidedBy().map(SlackText::user).orElse("?") + ": "
                    + SlackText.person(r.decisionNote().orElse("")));
            case EXPIRED -> facts.add("Nobody approved it in time" + r.expiresAt().map(t -> " (by " + SlackText.date(t) + ")").orElse("")
                    + ". Ask again with " + code(r.isAction() ? "/ops run " + r.reference() : "/ops " + r.kind()));
        }
        facts.add("Request #" + r.id());
        blocks.add(context(c -> c.elements(List.of(markdownText(SlackText.fit(String.join(" · ", facts), 2_900))))));
        if (r.state() == ActionRequest.State.PENDING && !r.breakGlass()) {
            String value = buttonValue(r);
            List<BlockElement> buttons = new ArrayList<>(List.of(
                    button(b -> b.actionId(APPROVE).text(plainText("Approve")).style("primary").value(value)),
                    button(b -> b.actionId(REJECT).text(plainText("Reject…")).style("danger").value(value))));
            if (offerBreakGlass) {
                buttons.add(button(b -> b.actionId(BREAK_GLASS).text(plainText("Break glass…")).value(value)
                        .confirm(ConfirmDialog.of("Break glass?", "This runs " + SlackText.label(r.plan(), 150)
                                + " without waiting for an approval once you give your reason. The channel is told"
                                + " and the audit log records you.", "Give my reason", true))));
            }
            blocks.add(actions(a -> a.blockId("actions.decide").elements(buttons)));
        }
        String fallback = (r.breakGlass() ? "BREAK GLASS by " + escape(r.requester()) + ": " : "")
                + head.replaceAll(":[a-z_]+: ", "").replace("*", "") + SlackText.plain(r.title(), 150)
                + " (" + escape(r.reference()) + ") — " + r.state().name().toLowerCase(java.util.Locale.ROOT);
        SlackMessage message = SlackMessage.of(fallback, blocks);
        // Loud on purpose: everyone in the channel should know an approval was skipped.
        return r.breakGlass() ? message.announcedHere() : message;
    }

    /** What the Approve and Reject… buttons carry: the request and the plan they decide on. */
    static String buttonValue(ActionRequest r) {
        return r.id() + ":" + r.planHash();
    }

    /** The thread reply with how the run ended and what it printed. */
    static SlackMessage result(ActionRequest r, ActionResult result) {
        String line = (result.succeeded() ? ":white_check_mark: *Done:* " : ":x: *Failed:* ") + SlackText.dated(result.summary());
        String text = result.output().isBlank() ? line + "\n_(no output)_" : line + "\n" + SlackText.block(result.output());
        return SlackMessage.of((result.succeeded() ? "Done: " : "Failed: ") + SlackText.plain(r.title(), 150) + " — "
                        + SlackText.plain(result.summary(), 300),
                List.of(section(s -> s.text(markdownText(SlackText.fit(text, 2_990))))));
    }

    /** A thread note: who approved, who rejected, that it is running. */
    static SlackMessage note(String text) {
        return SlackMessage.of(text.replaceAll("<@([A-Z0-9]+)>", "@$1").replace("*", ""),
                List.of(section(s -> s.text(markdownText(text)))));
    }

    /** What the caller sees when values are wrong: each problem on its own line, and a way on. */
    static SlackMessage problems(String reference, List<String> problems, boolean withForm) {
        String text = ":warning: " + (problems.size() == 1 ? "That value can't be used:" : "These values can't be used:")
                + "\n" + String.join("\n", problems.stream().map(p -> "• " + escape(p)).toList());
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(SlackText.fit(text, 2_900)))));
        if (withForm) {
            blocks.add(actions(a -> a.elements(List.of(
                    button(b -> b.actionId(OPEN).text(plainText("Fill in a form")).value(reference))))));
        }
        return SlackMessage.of(text.replace("*", ""), blocks);
    }

    static com.slack.api.model.block.element.ButtonElement runButton(String reference) {
        return button(b -> b.actionId(OPEN).text(plainText("Run…")).value(reference));
    }

    /** {@code /ops run} alone: every action with a Run button (the form), at most 40. */
    static SlackMessage list(List<Approvals.Target> targets, boolean breakGlass) {
        if (targets.isEmpty()) {
            return SlackMessage.text("No runbook defines actions yet; see docs/runbooks.md, section Actions.");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        String intro = breakGlass
                ? "Break glass runs one of these at once, without approval: `/ops breakglass <runbook/action> name=value … why`"
                : "Actions you can ask for. Type `/ops run <runbook/action> name=value … why`, or press Run… for a form:";
        blocks.add(section(s -> s.text(markdownText(intro))));
        StringBuilder fallback = new StringBuilder(intro.replace("`", ""));
        for (Approvals.Target t : targets.subList(0, Math.min(40, targets.size()))) {
            Action a = t.action();
            String line = "*" + escape(a.title()) + "* " + code(t.reference())
                    + "\n" + a.approval().map(x -> "needs " + x.count() + " approval(s) from `" + escape(x.role()) + "`")
                    .orElse("runs at once") + " · risk " + a.risk().name().toLowerCase(java.util.Locale.ROOT)
                    + (a.params().isEmpty() ? "" : " · " + String.join(" ", a.params().stream().map(p -> escape(p.name()) + "=…").toList()));
            fallback.append('\n').append(escape(t.reference()));
            if (breakGlass) {
                blocks.add(section(s -> s.text(markdownText(line))));
            } else {
                blocks.add(section(s -> s.text(markdownText(line))
                        .accessory(runButton(t.reference()))));
            }
        }
        return SlackMessage.of(fallback.toString(), blocks);
    }

    /** The Run button's modal: one field per parameter, and the reason. */
    static View form(Approvals.Target target, String channel) {
        Action action = target.action();
        List<LayoutBlock> blocks = new ArrayList<>();
        action.description().ifPresent(d -> blocks.add(section(s -> s.text(markdownText(escape(d))))));
        for (Action.Param p : action.params()) {
            BlockElement element;
            if (p.type() == Action.Param.Type.ENUM) {
                List<OptionObject> options = p.values().stream()
                        .map(v -> OptionObject.builder().text(plainText(SlackText.label(v, 75))).value(v).build()).toList();
                element = staticSelect(s -> {
                    s.actionId(VALUE).options(options);
                    p.defaultValue().flatMap(d -> options.stream().filter(o -> o.getValue().equals(d)).findFirst())
                            .ifPresent(s::initialOption);
                    return s;
                });
            } else {
                element = plainTextInput(t -> {
                    t.actionId(VALUE);
                    p.defaultValue().ifPresent(t::initialValue);
                    return t;
                });
            }
            String hint = switch (p.type()) {
                case ENUM -> "one of " + String.join(", ", p.values());
                case INTEGER -> "a whole number" + p.min().map(m -> " from " + m).orElse("") + p.max().map(m -> " to " + m).orElse("");
                case STRING -> p.pattern().map(x -> "matches " + x).orElse("text");
            };
            blocks.add(input(i -> i.blockId(PARAM_BLOCK + p.name()).label(plainText(SlackText.label(p.name(), 2_000)))
                    .hint(plainText(SlackText.label(hint, 2_000))).element(element)));
        }
        boolean approval = action.approval().isPresent();
        blocks.add(input(i -> i.blockId(REASON_BLOCK).optional(!approval)
                .label(plainText(approval ? "Why? (approvers see this)" : "Why? (for the audit log)"))
                .element(plainTextInput(t -> t.actionId(VALUE).multiline(true)))));
        return view(v -> v.type("modal").callbackId(PARAMS_VIEW)
                .privateMetadata(target.reference() + "|" + channel)
                .title(viewTitle(t -> t.type("plain_text").text(SlackText.label("Run " + action.id(), 24))))
                .submit(viewSubmit(s -> s.type("plain_text").text(approval ? "Ask for approval" : "Run")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(blocks));
    }

    /** The Break glass button's modal: the reason is required, and it says what happens. */
    static View breakGlassForm(ActionRequest r) {
        return view(v -> v.type("modal").callbackId(BREAK_GLASS_VIEW)
                .privateMetadata(Long.toString(r.id()))
                .title(viewTitle(t -> t.type("plain_text").text("Break glass")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Run it now")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(List.of(
                        section(s -> s.text(markdownText(":rotating_light: This runs " + code(r.plan())
                                + " *now, without approval*. The channel is told, and the audit log records you and your reason."))),
                        input(i -> i.blockId(REASON_BLOCK).label(plainText("Why can this not wait for an approval?"))
                                .element(plainTextInput(t -> t.actionId(VALUE).multiline(true)))))));
    }

    /** The Reject button's modal: the reason is required. */
    static View rejectForm(ActionRequest r) {
        return view(v -> v.type("modal").callbackId(REJECT_VIEW)
                .privateMetadata(Long.toString(r.id()))
                .title(viewTitle(t -> t.type("plain_text").text("Reject request #" + r.id())))
                .submit(viewSubmit(s -> s.type("plain_text").text("Reject")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(List.of(
                        section(s -> s.text(markdownText(escape(r.title()) + "\n" + code(r.plan())))),
                        input(i -> i.blockId(REASON_BLOCK).label(plainText("Why? (the requester sees this)"))
                                .element(plainTextInput(t -> t.actionId(VALUE).multiline(true)))))));
    }
}
