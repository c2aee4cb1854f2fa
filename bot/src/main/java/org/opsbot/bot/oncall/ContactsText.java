package org.opsbot.bot.oncall;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Contact;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;

/**
 * A team's contacts as a person reads them: one line each for {@code /ops contacts}, and one
 * short context line where someone paged or running an incident looks for whom to call. The
 * names and roles come from opsbot.yaml and are escaped; e-mail and phone become links.
 */
public final class ContactsText {
    // A context element holds at most 3,000 characters; a short line is what fits on a phone.
    private static final int LINE = 600;

    private ContactsText() {
    }

    /** {@code *DBA team* — Oracle and PostgreSQL issues · dba@… · #database-ops} */
    public static String line(Contact c) {
        List<String> parts = new ArrayList<>();
        c.email().map(SlackText::email).ifPresent(parts::add);
        c.phone().map(SlackText::phone).ifPresent(parts::add);
        c.channel().map(SlackText::channel).ifPresent(parts::add);
        return "*" + SlackText.plain(c.name(), 80) + "*" + c.role().map(r -> " — " + SlackText.plain(r, 150)).orElse("")
                + (parts.isEmpty() ? "" : " · " + String.join(" · ", parts));
    }

    /** The context line of {@code team}'s contacts, or empty when it has none (or there is no team). */
    public static Optional<String> contextLine(OpsbotConfig config, Optional<String> team) {
        Optional<Team> t = team.map(config.teams()::get);
        if (t.isEmpty() || t.get().contacts().isEmpty()) {
            return Optional.empty();
        }
        String all = String.join("; ", t.get().contacts().stream().map(ContactsText::line).toList());
        String more = " · " + SlackText.code("/ops contacts " + t.get().name());
        // Cut between contacts, never inside a link.
        while (all.length() > LINE && all.contains("; ")) {
            all = all.substring(0, all.lastIndexOf("; ")) + " …";
        }
        return Optional.of(":telephone_receiver: Contacts: " + all + more);
    }

    /** {@link #contextLine} as a context block, to add to a message. */
    public static Optional<LayoutBlock> contextBlock(OpsbotConfig config, Optional<String> team) {
        return contextLine(config, team).map(line -> context(c -> c.elements(List.of(markdownText(line)))));
    }
}
