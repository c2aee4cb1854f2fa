package org.opsbot.bot.procedures;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.ProcedureRun;
import org.opsbot.commands.model.ProcedureStep;
import org.opsbot.commands.procedure.Procedures;
import org.opsbot.commands.runbook.Procedure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/**
 * The one message of a procedure, posted when it starts and updated in place as it moves on:
 * each step with its state, who did it and when, a Done button on the manual step it waits for,
 * and Cancel while it is going.
 */
final class ProcedureMessages {
    /** Done on the manual step the procedure waits for; the value is {@code <run id>:<step index>}. */
    static final String DONE = "procedure.done";
    /** Cancel while the procedure is going; the value is the run id. */
    static final String CANCEL = "procedure.cancel";
    // A message holds at most 50 blocks: the head, the facts and the buttons take three.
    private static final int MAX_STEP_BLOCKS = 45;

    private ProcedureMessages() {
    }

    /** The outbox key of a procedure's one message: posted once, however often a resume asks. */
    static String key(ProcedureRun run) {
        return "procedure:" + run.id();
    }

    static SlackMessage of(Procedures.View view) {
        ProcedureRun run = view.run();
        List<LayoutBlock> blocks = new ArrayList<>();
        String head = switch (run.state()) {
            case RUNNING, WAITING -> ":arrow_forward: *Procedure:* ";
            case SUCCEEDED -> ":white_check_mark: *Procedure done:* ";
            case FAILED -> ":x: *Procedure stopped:* ";
            case CANCELLED -> ":no_entry_sign: *Procedure cancelled:* ";
        };
        String headText = head + SlackText.escape(run.title()) + " " + SlackText.code(run.reference())
                + "\nStarted by " + SlackText.user(run.startedBy()) + " " + SlackText.date(run.startedAt())
                + run.incident().map(i -> " for incident #" + i).orElse("")
                + (run.params().isEmpty() ? "" : " with " + SlackText.code(String.join(" ", run.params().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList())));
        blocks.add(section(s -> s.text(markdownText(SlackText.fit(headText, 2_900)))));
        List<ProcedureStep> steps = view.steps();
        for (ProcedureStep step : steps.subList(0, Math.min(steps.size(), MAX_STEP_BLOCKS))) {
            // A step the procedure ended on while it waited or ran shows as stopped, not waiting.
            boolean stopped = run.state().ended() && (step.state() == ProcedureStep.State.WAITING
                    || step.state() == ProcedureStep.State.RUNNING);
            String line = SlackText.fit((stopped ? ":no_entry_sign:" : icon(step)) + " *" + (step.index() + 1) + ".* "
                    + SlackText.escape(step.text()) + (stopped ? "\n_not finished: the procedure " + (run.state()
                    == ProcedureRun.State.CANCELLED ? "was cancelled" : "stopped") + " here_" : detail(step)), 2_900);
            boolean waiting = view.waitingManual().filter(w -> w.index() == step.index()).isPresent();
            blocks.add(waiting
                    ? section(s -> s.text(markdownText(line)).accessory(button(b -> b.actionId(DONE)
                    .text(plainText("Done")).style("primary").value(run.id() + ":" + step.index()))))
                    : section(s -> s.text(markdownText(line))));
        }
        List<String> facts = new ArrayList<>();
        facts.add(run.state().ended()
                ? outcome(run) + run.finishedAt().map(t -> " · " + SlackText.date(t)).orElse("")
                : "Step " + Math.min(run.currentStep() + 1, steps.size()) + " of " + steps.size());
        facts.add("Procedure #" + run.id());
        blocks.add(context(c -> c.elements(List.of(markdownText(SlackText.fit(String.join(" · ", facts), 2_900))))));
        if (!run.state().ended()) {
            blocks.add(actions(a -> a.blockId("procedure.controls").elements(List.of(button(b -> b.actionId(CANCEL)
                    .text(plainText("Cancel")).style("danger").value(String.valueOf(run.id())))))));
        }
        String fallback = head.replaceAll(":[a-z_]+: ", "").replace("*", "") + SlackText.plain(run.title(), 150)
                + " (" + SlackText.plain(run.reference(), 150) + ") — " + status(view);
        return SlackMessage.of(fallback, blocks);
    }

    /** How it ended, in mrkdwn: who cancelled it is a mention. */
    private static String outcome(ProcedureRun run) {
        String o = run.outcome().orElse(run.state().name().toLowerCase(Locale.ROOT));
        return o.startsWith(Procedures.CANCELLED_BY)
                ? "Cancelled by " + SlackText.user(o.substring(Procedures.CANCELLED_BY.length()))
                : SlackText.escape(o);
    }

    private static String status(Procedures.View view) {
        ProcedureRun run = view.run();
        if (run.state().ended()) {
            return outcome(run);
        }
        return view.waitingManual().map(s -> "step " + (s.index() + 1) + " waits for Done")
                .orElse("step " + (run.currentStep() + 1) + " of " + view.steps().size());
    }

    private static String icon(ProcedureStep step) {
        return switch (step.state()) {
            case PENDING -> ":white_circle:";
            case RUNNING -> ":hourglass_flowing_sand:";
            case WAITING -> step.kind() == ProcedureStep.Kind.MANUAL ? ":point_right:" : ":raising_hand:";
            case DONE -> ":white_check_mark:";
            case FAILED -> ":x:";
        };
    }

    private static String detail(ProcedureStep step) {
        return switch (step.state()) {
            case PENDING -> "";
            case RUNNING -> "\n_running…_";
            case WAITING -> step.kind() == ProcedureStep.Kind.MANUAL ? "\n_waiting for Done_"
                    : "\n_waiting for action request #" + step.actionRequest().map(String::valueOf).orElse("?") + "_";
            case DONE -> "\n" + (step.kind() == ProcedureStep.Kind.MANUAL
                    ? "done by " + step.doneBy().map(ProcedureMessages::people).orElse("?")
                    : SlackText.escape(step.note().orElse("")))
                    + step.doneAt().map(t -> " · " + SlackText.date(t)).orElse("");
            case FAILED -> "\n" + SlackText.escape(step.note().orElse("failed"));
        };
    }

    private static String people(String ids) {
        return String.join(", ", List.of(ids.split(",")).stream().map(SlackText::user).toList());
    }

    /** {@code /ops procedure} alone: every procedure and how to start it. */
    static SlackMessage list(List<Procedures.Target> targets) {
        if (targets.isEmpty()) {
            return SlackMessage.text("No runbook defines procedures yet; see docs/runbooks.md, section Procedures.");
        }
        StringBuilder text = new StringBuilder("Procedures you can start with `/ops procedure <runbook>/<name> [name=value …]`:");
        for (Procedures.Target t : targets.subList(0, Math.min(40, targets.size()))) {
            Procedure p = t.procedure();
            text.append("\n• *").append(SlackText.escape(p.title())).append("* ").append(SlackText.code(t.reference()))
                    .append(" — ").append(p.steps().size()).append(p.steps().size() == 1 ? " step" : " steps");
            if (!p.params().isEmpty()) {
                text.append(" · ").append(String.join(" ", p.params().stream().map(n -> SlackText.escape(n) + "=…").toList()));
            }
        }
        return SlackMessage.of(text.toString().replace("*", ""),
                List.of(section(s -> s.text(markdownText(SlackText.fit(text.toString(), 2_900))))));
    }
}
