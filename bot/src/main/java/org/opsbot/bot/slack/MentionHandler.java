package org.opsbot.bot.slack;

import com.slack.api.app_backend.events.payload.EventsApiPayload;
import com.slack.api.bolt.context.builtin.EventContext;
import com.slack.api.bolt.handler.BoltEventHandler;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.event.AppMentionEvent;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;

/** {@code @opsbot …} in a channel: a pointer to {@code /ops help}, in the mention's thread. */
final class MentionHandler implements BoltEventHandler<AppMentionEvent> {

    static final String POINTER = "Hi! I work through the `/ops` command: `/ops help` lists what I can do.";

    private final Outbox outbox;

    MentionHandler(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public Response apply(EventsApiPayload<AppMentionEvent> payload, EventContext ctx) {
        AppMentionEvent event = payload.getEvent();
        // Another bot mentioning us could start a reply loop; only people get the pointer.
        if (event.getBotId() == null && event.getChannel() != null) {
            String thread = event.getThreadTs() != null ? event.getThreadTs() : event.getTs();
            outbox.reply(event.getChannel(), thread, SlackMessage.text(POINTER));
        }
        return ctx.ack();
    }
}
