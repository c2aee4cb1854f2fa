package org.opsbot.commands.audit;

import org.opsbot.commands.store.AuditStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit log's hash chain: an entry's hash is SHA-256 over its position, the previous
 * entry's hash and its own fields, each length-prefixed so no two different entries hash the
 * same text. Changing a field breaks that entry's hash; deleting or inserting an entry breaks
 * the next one's link; cutting off the end disagrees with the head row.
 *
 * <p>Someone who can write the database can also recompute every hash after an edit. Against
 * that, keep the head hash that {@code opsbot audit verify} prints somewhere else (a ticket, a
 * daily log line): a rewritten chain no longer ends in it.
 */
public final class AuditChain {
    private static final int MAX_PROBLEMS = 20;

    private AuditChain() {
    }

    static String hash(AuditStore.Link link) {
        StringBuilder s = new StringBuilder();
        for (String field : new String[]{"opsbot-audit-v1", Long.toString(link.seq()), link.prevHash(),
                Long.toString(link.at()), link.actor(), link.action(), link.subject(), link.details()}) {
            s.append(field.length()).append(':').append(field).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * @param entries  how many entries were read
     * @param headHash the hash the chain ends in; keep it elsewhere to detect a rewrite
     * @param problems what is wrong, by entry id (the first 20)
     */
    public record Verification(long entries, String headHash, List<String> problems) {
        public Verification {
            problems = List.copyOf(problems);
        }

        public boolean intact() {
            return problems.isEmpty();
        }
    }

    /** Checks rows fed in id order. */
    static final class Verifier {
        private final List<String> problems = new ArrayList<>();
        // Before the first append after V5, older rows are not chained yet; that is no tampering.
        private final boolean chainStarted;
        private final long headSeq;
        private long entries;
        private long expectedSeq = 1;
        private String prev = "";
        private boolean truncated;

        Verifier(AuditStore.Head head) {
            this.chainStarted = head.seq() > 0;
            this.headSeq = head.seq();
        }

        void accept(AuditStore.Row r) {
            entries++;
            if (!chainStarted && r.seq() == null) {
                return;
            }
            if (r.seq() != null && r.seq() > headSeq) {
                // Appended while this walk ran; the next verify covers it.
                entries--;
                return;
            }
            if (r.seq() == null || r.hash() == null || r.prevHash() == null) {
                problem("entry " + r.id() + " (" + r.action() + " by " + r.actor() + ") is not in the chain:"
                        + " it was added outside opsbot");
                return;
            }
            if (r.seq() != expectedSeq) {
                problem("entry " + r.id() + " is number " + r.seq() + " of the chain, expected " + expectedSeq
                        + (r.seq() > expectedSeq ? ": " + (r.seq() - expectedSeq) + " entry(s) before it were deleted"
                        : ": entries were reordered or duplicated"));
            }
            if (!r.prevHash().equals(prev)) {
                problem("entry " + r.id() + " does not follow the entry before it (its previous hash differs):"
                        + " an entry before it was changed or deleted");
            }
            String computed = hash(new AuditStore.Link(r.seq(), r.prevHash(), r.at(), r.actor(), r.action(),
                    r.subject(), r.details()));
            if (!computed.equals(r.hash())) {
                problem("entry " + r.id() + " (" + r.action() + " by " + r.actor() + ") was changed after it was written");
            }
            expectedSeq = r.seq() + 1;
            prev = r.hash();
        }

        Verification finish(AuditStore.Head head) {
            if (head.seq() != expectedSeq - 1 || !head.hash().equals(prev)) {
                problem("the chain ends at number " + (expectedSeq - 1) + " but the head records number " + head.seq()
                        + (head.seq() > expectedSeq - 1 ? ": the last " + (head.seq() - expectedSeq + 1)
                        + " entry(s) were deleted" : ": the head row was changed"));
            }
            if (truncated) {
                problems.add("… and more");
            }
            return new Verification(entries, head.hash(), problems);
        }

        private void problem(String p) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(p);
            } else {
                truncated = true;
            }
        }
    }
}
