package org.opsbot.bot.incidents;

import com.slack.api.methods.MethodsClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Creates an incident's own channel ({@code conversations.create}) and invites its people
 * ({@code conversations.invite}). Like postmortem files, not through the outbox: the caller runs
 * it on a worker thread, and a failure leaves the incident in the incidents channel, said so there.
 */
public interface IncidentChannels {

    /** The new channel's id; throws with Slack's error when it could not be made. */
    String create(String name, List<String> invite);

    static IncidentChannels slack(MethodsClient methods) {
        Logger log = LoggerFactory.getLogger(IncidentChannels.class);
        return (name, invite) -> {
            try {
                var created = methods.conversationsCreate(r -> r.name(name));
                if (!created.isOk()) {
                    throw new IllegalStateException("conversations.create: " + created.getError());
                }
                String id = created.getChannel().getId();
                if (!invite.isEmpty()) {
                    var invited = methods.conversationsInvite(r -> r.channel(id).users(invite));
                    if (!invited.isOk()) {
                        // The channel exists; people can still join it by hand.
                        log.warn("inviting {} to {} failed: {}", invite, name, invited.getError());
                    }
                }
                return id;
            } catch (java.io.IOException | com.slack.api.methods.SlackApiException e) {
                throw new IllegalStateException("conversations.create: " + e.getMessage(), e);
            }
        };
    }

    /** Without a bot token there is no channel to make. */
    static IncidentChannels none() {
        return (name, invite) -> {
            throw new IllegalStateException("no Slack token (dry run)");
        };
    }

    /** {@code inc-12-orders-are-not-replicated}: Slack's rules (lower case, no spaces, at most 80). */
    static String nameFor(long id, String title) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String name = "inc-" + id + (slug.isEmpty() ? "" : "-" + slug);
        return name.length() > 80 ? name.substring(0, 80).replaceAll("-+$", "") : name;
    }
}
