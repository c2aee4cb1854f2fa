package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.opsbot.commands.model.Page;

import java.util.List;

/** Writes the page table inside the transaction that stores the escalation step which paged. */
final class PageRows {
    private PageRows() {
    }

    static void insert(Handle h, List<Page> pages) {
        for (Page p : pages) {
            h.createUpdate("""
                            INSERT INTO page (subject, team, severity, tier, tier_name, target, at, outcome, detail)
                            VALUES (:subject, :team, :severity, :tier, :tierName, :target, :at, :outcome, :detail)""")
                    .bind("subject", p.subject())
                    .bind("team", p.team())
                    .bind("severity", p.severity())
                    .bind("tier", p.tier())
                    .bind("tierName", p.tierName())
                    .bind("target", p.target())
                    .bind("at", p.at().toEpochMilli())
                    .bind("outcome", p.outcome().name())
                    .bind("detail", p.detail())
                    .execute();
        }
    }
}
