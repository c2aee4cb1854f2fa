package org.opsbot.commands.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request to run an action, as stored.
 *
 * @param plan         what will run, in one line, masked ({@link org.opsbot.commands.approval.ActionPlan#whatRuns()})
 * @param planHash     {@link org.opsbot.commands.approval.ActionPlan#hash()}: approvals count only for this exact plan
 * @param channel      where the request (or the break-glass announcement) is posted
 * @param approverRole empty when the action needs no approval
 * @param needed       distinct approvers needed (0 without approval, and for break glass)
 * @param messageId    the outbox id of the request's message, once posted
 * @param decidedBy    who rejected it, or who broke the glass (the requester, or an emergency
 *                     member who broke it on a waiting request)
 * @param decisionNote the rejection's or the break glass's reason
 * @param outcome      how the run ended, or why the request closed
 * @param approvers    who approved, in order
 * @param kind         what approval starts: {@link #ACTION} runs {@code runbook/action}, {@link #MAINTENANCE}
 *                     starts an ad hoc maintenance window of the team {@code action}
 */
public record ActionRequest(long id, String runbook, String action, String title, Map<String, String> params,
                            String plan, String planHash, String requester, String reason, String channel,
                            Optional<String> approverRole, int needed, boolean breakGlass, State state,
                            Instant createdAt, Optional<Instant> expiresAt, Optional<Long> messageId,
                            Optional<String> decidedBy, Optional<String> decisionNote, Optional<Instant> startedAt,
                            Optional<Instant> finishedAt, Optional<String> outcome, List<String> approvers,
                            String kind) {
    /** A request to run a runbook action. */
    public static final String ACTION = "action";
    /** A request to start ad hoc maintenance of a team ({@code action} is the team). */
    public static final String MAINTENANCE = "maintenance";
    /**
     * The {@link #outcome} of a request REJECTED because what asked for it was called off (its
     * procedure was cancelled): {@link #decidedBy} called it off, {@link #finishedAt} is when.
     */
    public static final String WITHDRAWN = "withdrawn";


    public ActionRequest {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        approvers = List.copyOf(approvers);
    }

    public enum State {
        PENDING, RUNNING, SUCCEEDED, FAILED, INTERRUPTED, REJECTED, EXPIRED;

        public boolean closed() {
            return this != PENDING && this != RUNNING;
        }
    }

    /** Rejected because what asked for it was called off, not by an approver's decision. */
    public boolean withdrawn() {
        return state == State.REJECTED && outcome.filter(WITHDRAWN::equals).isPresent();
    }

    public boolean isAction() {
        return ACTION.equals(kind);
    }

    public String reference() {
        return runbook + "/" + action;
    }
}
