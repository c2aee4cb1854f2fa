package org.opsbot.bot.slack;

import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import org.opsbot.bot.slack.text.BroadcastGuard;

/**
 * The answers to Slack's requests (a slash command's reply, a modal's errors) do not go through
 * the outbox, so the outbox's guard does not see them: this middleware, outermost, applies the
 * same guard to every answer's body, so no answer broadcasts either.
 */
final class AnswerGuard implements Middleware {

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        Response answer = chain.next(req);
        if (answer != null && answer.getBody() != null) {
            answer.setBody(BroadcastGuard.neutraliseJson(answer.getBody()));
        }
        return answer;
    }
}
