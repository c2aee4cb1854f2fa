package org.opsbot.bot.checks;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.CheckboxesElement;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.model.ChecklistTick;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The runbook view's checklist within Slack's limits: 10 boxes a group, 75 characters a box. */
class RunbookMessageTest {
    private static final Instant SINCE = Instant.parse("2026-11-22T08:00:00.123Z");

    private final Runbook runbook = new Runbook("long", "A long checklist", "ops", Optional.empty(), List.of(), List.of(),
            IntStream.range(0, 25).mapToObj(i -> "Step " + i + ": " + "look at the dashboard carefully ".repeat(4)).toList(),
            List.of(), Path.of("runbooks/long.yaml"));

    @Test
    void aLongChecklistIsSplitIntoGroupsOfTenWithShortenedBoxesAndTheFullTextBeside() {
        SlackMessage view = RunbookMessage.view(runbook, "/ops", SINCE, List.of());

        List<ActionsBlock> groups = view.blocks().stream().filter(ActionsBlock.class::isInstance).map(ActionsBlock.class::cast)
                .filter(a -> a.getElements().getFirst() instanceof CheckboxesElement).toList();
        assertThat(groups).hasSize(3);
        assertThat(groups).extracting(ActionsBlock::getBlockId)
                .containsExactly("checklist|1795334400123|0|long", "checklist|1795334400123|1|long", "checklist|1795334400123|2|long");
        List<OptionObject> options = groups.stream().flatMap(g -> ((CheckboxesElement) g.getElements().getFirst()).getOptions().stream()).toList();
        assertThat(options).hasSize(25).allSatisfy(o -> assertThat(((PlainTextObject) o.getText()).getText()).hasSizeLessThanOrEqualTo(75));
        assertThat(view.blocks()).hasSizeLessThanOrEqualTo(50);
        assertThat(view.text()).contains("0/25 checklist items ticked");
    }

    @Test
    void tickedItemsAreTickedAndSayWhoAndWhen() {
        List<ChecklistTick> ticks = List.of(
                new ChecklistTick("long", 11, runbook.checklist().get(11), "U0CAROL001", Instant.parse("2026-11-22T09:12:00Z")),
                new ChecklistTick("long", 11, runbook.checklist().get(11), "U0DAVE0001", Instant.parse("2026-11-22T09:13:00Z")),
                new ChecklistTick("long", 3, "an item that was reworded since", "U0DAVE0001", Instant.parse("2026-11-22T09:14:00Z")));

        SlackMessage view = RunbookMessage.view(runbook, "/ops", SINCE, ticks);

        CheckboxesElement second = view.blocks().stream().filter(ActionsBlock.class::isInstance).map(ActionsBlock.class::cast)
                .filter(a -> "checklist|1795334400123|1|long".equals(a.getBlockId()))
                .map(a -> (CheckboxesElement) a.getElements().getFirst()).findFirst().orElseThrow();
        assertThat(second.getInitialOptions()).extracting(OptionObject::getValue).containsExactly("11");
        assertThat(view.blocks()).filteredOn(ContextBlock.class::isInstance)
                .anySatisfy(b -> assertThat(((MarkdownTextObject) ((ContextBlock) b).getElements().getFirst()).getText())
                        .contains("12 ticked by <@U0CAROL001> <!date^1795338720^"));
        assertThat(view.text()).contains("1/25 checklist items ticked");
    }

    @Test
    void aLongItemIsSaidOnceAcrossItsBoxItsDescriptionAndTheLineBesideNeverCutAndRepeated() {
        String item = "Check that the replication slot on the primary is active and that its lag in bytes is falling;"
                + " if it is not, restart the connector from the Run menu and watch the lag for five minutes before paging the DBA";
        Runbook one = new Runbook("one", "One item", "ops", Optional.empty(), List.of(), List.of(), List.of(item), List.of(),
                Path.of("runbooks/one.yaml"));

        SlackMessage view = RunbookMessage.view(one, "/ops", SINCE, List.of());

        OptionObject box = view.blocks().stream().filter(ActionsBlock.class::isInstance).map(ActionsBlock.class::cast)
                .map(a -> a.getElements().getFirst()).filter(CheckboxesElement.class::isInstance)
                .map(e -> ((CheckboxesElement) e).getOptions().getFirst()).findFirst().orElseThrow();
        String label = ((PlainTextObject) box.getText()).getText();
        String description = box.getDescription().getText();
        assertThat(label).hasSizeLessThanOrEqualTo(75).startsWith("1. Check that the replication slot").endsWith("…");
        assertThat(description).hasSizeLessThanOrEqualTo(75).endsWith("…");
        String beside = view.blocks().stream().filter(ContextBlock.class::isInstance)
                .map(b -> ((MarkdownTextObject) ((ContextBlock) b).getElements().getFirst()).getText())
                .filter(t -> t.startsWith("1. ")).findFirst().orElseThrow();
        assertThat(beside).doesNotContain("Check that the replication slot").contains("before paging the DBA");
        String said = (label + " " + description + " " + beside.substring("1. …".length())).replace("…", "");
        assertThat(said.replaceAll("\\s+", " ")).isEqualTo(("1. " + item).replaceAll("\\s+", " "));
    }
}
